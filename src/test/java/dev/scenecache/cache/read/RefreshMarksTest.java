package dev.scenecache.cache.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheKey;

class RefreshMarksTest {

    private static CacheKey key(int i) {
        return CacheKey.of("scene", "p:1", Integer.toString(i));
    }

    @Test
    void shouldLetOneAttemptPerKeyThroughUntilItIsClearedOrItsMarkIsOld() {
        RefreshMarks never = new RefreshMarks(10, Long.MAX_VALUE);
        assertThat(never.tryMark(key(1))).isTrue();
        assertThat(never.tryMark(key(1))).as("marked: no second attempt").isFalse();
        assertThat(never.tryMark(key(2))).as("another key").isTrue();
        never.clear(key(1));
        assertThat(never.tryMark(key(1))).as("cleared").isTrue();

        RefreshMarks always = new RefreshMarks(10, 0);
        assertThat(always.tryMark(key(1))).isTrue();
        assertThat(always.tryMark(key(1))).as("a mark older than the retry time").isTrue();
    }

    @Test
    void shouldHoldAtMostItsBoundAndSweepOldMarksWhenFull() {
        RefreshMarks young = new RefreshMarks(3, Long.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            assertThat(young.tryMark(key(i))).isTrue();
        }
        assertThat(young.tryMark(key(3))).as("full of marks too young to sweep").isFalse();
        assertThat(young.size()).isEqualTo(3);
        young.clear(key(0));
        assertThat(young.tryMark(key(3))).isTrue();

        RefreshMarks old = new RefreshMarks(3, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(old.tryMark(key(i))).isTrue();
            assertThat(old.size()).isLessThanOrEqualTo(3);
        }
    }
}
