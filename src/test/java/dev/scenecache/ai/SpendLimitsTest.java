package dev.scenecache.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SpendLimitsTest {

    @Test
    void shouldAllowAMinutesCallsAtOnceThenOneAsEachRefills() {
        AtomicLong clock = new AtomicLong(1_000_000);
        SpendLimits.LocalBucket bucket = new SpendLimits.LocalBucket(3, clock::get);
        for (int i = 0; i < 3; i++) {
            assertThat(bucket.take()).isZero();
        }
        // Empty: the next token comes in a third of a minute.
        assertThat(bucket.take()).isEqualTo(20_000);
        clock.addAndGet(10_000);
        assertThat(bucket.take()).isEqualTo(10_000);
        clock.addAndGet(10_000);
        assertThat(bucket.take()).isZero();
        assertThat(bucket.take()).isEqualTo(20_000);

        // A token given back (the call was not made) is there again; never more than the capacity.
        bucket.giveBack();
        assertThat(bucket.take()).isZero();
        clock.addAndGet(3_600_000);
        assertThat(bucket.full()).isTrue();
        bucket.giveBack();
        for (int i = 0; i < 3; i++) {
            assertThat(bucket.take()).isZero();
        }
        assertThat(bucket.take()).isPositive();
    }
}
