package dev.scenecache.cache.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.cache.analytics.KeyHistory;
import dev.scenecache.testing.CaffeineClasses;
import dev.scenecache.testing.ConfigProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** L1's guard against fills that an invalidation overtook, without Quarkus. */
class L1TierTest {

    private final L1Tier l1 = new L1Tier(config(), new CacheStats(new SimpleMeterRegistry()),
            new KeyHistory(1000));
    private final CacheKey key = new CacheKey("scene", "p:1", "a");

    @Test
    void shouldRegisterForANativeImageTheClassesCaffeineGeneratesForThisCache() throws Exception {
        // Changing the builder's options changes the classes (CaffeineClasses).
        assertThat(CaffeineClasses.of(CaffeineClasses.field(l1, "cache")))
                .isEqualTo(CaffeineClasses.registeredBy(L1Tier.class));
    }

    @Test
    void shouldRefuseAFillWhenItsKeyWasInvalidatedDuringTheLoad() {
        long stamp = l1.stamp(key);
        l1.invalidate(key); // the write overtook the load
        l1.putIfUnchanged(key, entry("old"), stamp);
        assertThat(l1.get(key)).isNull();
    }

    @Test
    void shouldKeepAFillWhenOnlyOtherKeysWereInvalidatedDuringTheLoad() {
        long stamp = l1.stamp(key);
        // A busy write stream on other keys (of other stripes: a shared stripe refuses the fill, safely).
        int invalidated = 0;
        for (int i = 0; invalidated < 1000; i++) {
            CacheKey other = new CacheKey("scene", "p:1", "other-" + i);
            if (L1Tier.stripe(other) != L1Tier.stripe(key)) {
                l1.invalidate(other);
                invalidated++;
            }
        }
        l1.putIfUnchanged(key, entry("fresh"), stamp);
        assertThat(l1.get(key)).isNotNull();
        assertThat(l1.get(key).value()).isEqualTo("fresh");
    }

    @Test
    void shouldRefuseAFillAfterAGroupInvalidationOrAClear() {
        long stamp = l1.stamp(key);
        l1.invalidateGroup("p:2"); // another group: every stripe moves all the same
        l1.putIfUnchanged(key, entry("old"), stamp);
        assertThat(l1.get(key)).isNull();

        long again = l1.stamp(key);
        l1.clear();
        l1.putIfUnchanged(key, entry("old"), again);
        assertThat(l1.get(key)).isNull();
    }

    @Test
    void shouldNeverShowARefusedFillToAConcurrentReader() throws Exception {
        // A writer thread invalidates the key and then offers a fill stamped before that invalidation
        // (a load that read the old value); a reader thread must never see the refused value, not even
        // for an instant. Storing first and removing after the check showed it to the reader.
        L1Tier.Entry old = entry("old");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                if (l1.get(key) == old) {
                    seen.incrementAndGet();
                }
                reads.incrementAndGet();
            }
        });
        reader.start();
        // 200,000 refused fills, and the writer goes on until the reader has looked 200,000 times too, so
        // that the two overlap however the threads are scheduled (counts, not a time window).
        long rounds = 0;
        long guard = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while ((rounds < 200_000 || reads.get() < 200_000) && System.nanoTime() < guard) {
            long stamp = l1.stamp(key);
            l1.invalidate(key);
            l1.putIfUnchanged(key, old, stamp);
            rounds++;
        }
        stop.set(true);
        reader.join();
        assertThat(reads.get()).as("reads while the writer ran").isGreaterThanOrEqualTo(200_000);
        assertThat(seen.get()).as("reads of a refused fill").isZero();
    }

    private static L1Tier.Entry entry(String value) {
        long now = System.currentTimeMillis();
        return new L1Tier.Entry(value, false, null, 10, now, now + 3_600_000, now + 3_600_000);
    }

    private static CacheConfig config() {
        CacheConfig.L1 l1 = ConfigProxy.of(CacheConfig.L1.class, Map.of("enabled", true, "maxEntries", 100L,
                "maxWeightBytes", 1_000_000L, "ttl", Duration.ofMinutes(10)));
        return ConfigProxy.of(CacheConfig.class, Map.of("l1", l1));
    }
}
