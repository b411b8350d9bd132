package dev.scenecache.cache.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.testing.CaffeineClasses;
import dev.scenecache.testing.ConfigProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Why a tier missed, told from what the instance saw of the key, with a real (tiny) L1. */
class KeyHistoryTest {

    private final KeyHistory history = new KeyHistory(1_000);
    private final CacheKey key = new CacheKey("scene", "p:1", "a");
    private final long now = System.currentTimeMillis();

    @Test
    void shouldTellACold_AnInvalidated_AnExpiredAndAnEvictedL2Entry() {
        assertThat(history.l2Miss(key, false, 0, now).cause()).isEqualTo(MissCause.COLD);

        long read = history.now();
        history.stored(key, read, now, now + 60_000, 42);
        assertThat(history.l2Miss(key, false, 0, now + 1_000).cause())
                .as("fresh, not invalidated, and gone: Redis dropped it").isEqualTo(MissCause.EVICTED);
        assertThat(history.l2Miss(key, false, 0, now + 60_000).cause()).isEqualTo(MissCause.EXPIRED);
        assertThat(history.l2Miss(key, true, 7, now + 1_000))
                .as("Redis returned it expired (within its grace): its hash is the expired content's")
                .extracting(KeyHistory.Ending::cause, KeyHistory.Ending::hash).containsExactly(MissCause.EXPIRED, 7);

        history.invalidated(key);
        KeyHistory.Ending invalidated = history.l2Miss(key, false, 0, now + 1_000);
        assertThat(invalidated.cause()).isEqualTo(MissCause.INVALIDATED);
        assertThat(invalidated.hash()).isEqualTo(42);

        history.stored(key, history.now(), now + 2_000, now + 62_000, 43); // read again, stored again
        assertThat(history.l2Miss(key, false, 0, now + 3_000).cause()).isEqualTo(MissCause.EVICTED);
    }

    @Test
    void shouldCountAnInvalidationOnlyWhenItCameAfterTheReadThatStoredTheEntry() {
        long read = history.now();
        history.invalidated(key); // a write overtook the load that started at `read`
        history.stored(key, read, now, now + 60_000, 42);
        assertThat(history.l2Miss(key, false, 0, now + 1_000).cause()).isEqualTo(MissCause.INVALIDATED);

        CacheKey other = new CacheKey("scene", "p:2", "b");
        history.invalidated(other); // before the read: not this entry's end
        history.stored(other, history.now(), now, now + 60_000, 42);
        assertThat(history.l2Miss(other, false, 0, now + 1_000).cause()).isEqualTo(MissCause.EVICTED);
    }

    @Test
    void shouldApplyGroupCacheAndWholeInvalidationsToEveryKeyTheyCover() {
        CacheKey sibling = new CacheKey("scene", "p:1", "b");
        CacheKey stranger = new CacheKey("project", "p:9", "");
        for (CacheKey k : new CacheKey[] { key, sibling, stranger }) {
            history.stored(k, history.now(), now, now + 60_000, 1);
        }
        history.invalidatedGroup("p:1");
        assertThat(history.l2Miss(key, false, 0, now).cause()).isEqualTo(MissCause.INVALIDATED);
        assertThat(history.l2Miss(sibling, false, 0, now).cause()).isEqualTo(MissCause.INVALIDATED);
        assertThat(history.l2Miss(stranger, false, 0, now).cause()).isEqualTo(MissCause.EVICTED);
        history.invalidatedCache("project");
        assertThat(history.l2Miss(stranger, false, 0, now).cause()).isEqualTo(MissCause.INVALIDATED);

        CacheKey later = new CacheKey("decision", "p:3", "h");
        history.stored(later, history.now(), now, now + 60_000, 1);
        history.invalidatedAll();
        assertThat(history.l2Miss(later, false, 0, now).cause()).isEqualTo(MissCause.INVALIDATED);
    }

    @Test
    void shouldTellWhyL1MissedWithARealL1() {
        L1Tier l1 = new L1Tier(tinyL1(), new CacheStats(new SimpleMeterRegistry()), history);
        assertThat(history.l1Miss(key, false, now)).isEqualTo(MissCause.COLD);

        l1.putIfUnchanged(key, entry(now + 60_000), l1.stamp(key));
        assertThat(l1.get(key)).isNotNull();
        assertThat(history.l1Miss(key, true, now)).as("held past its TTL").isEqualTo(MissCause.EXPIRED);
        assertThat(history.l1Miss(key, false, now + 60_000)).as("gone at its TTL").isEqualTo(MissCause.EXPIRED);

        l1.invalidate(key);
        assertThat(history.l1Miss(key, false, now)).isEqualTo(MissCause.INVALIDATED);

        // The tiny L1 holds two entries' weight: keys asked for more often push it out.
        l1.putIfUnchanged(key, entry(now + 60_000), l1.stamp(key));
        for (int i = 0; i < 20; i++) {
            CacheKey other = new CacheKey("scene", "p:1", "o" + i);
            for (int j = 0; j < 5; j++) {
                l1.get(other);
            }
            l1.putIfUnchanged(other, entry(now + 60_000), l1.stamp(other));
        }
        assertThat(l1.get(key)).isNull();
        assertThat(history.l1Miss(key, false, now)).isEqualTo(MissCause.EVICTED);
    }

    @Test
    void shouldForgetTheLeastRecentKeysBeyondItsBoundAndCallTheirNextMissCold() {
        KeyHistory small = new KeyHistory(100);
        for (int i = 0; i < 1_000; i++) {
            small.stored(new CacheKey("scene", "p:1", "k" + i), small.now(), now, now + 60_000, 1);
        }
        assertThat(small.size()).isLessThanOrEqualTo(100);
        assertThat(small.l2Miss(new CacheKey("scene", "p:1", "k0"), false, 0, now).cause()).isEqualTo(MissCause.COLD);
    }

    @Test
    void shouldRememberNothingWhenAnalyticsIsOff() {
        KeyHistory off = new KeyHistory(0);
        off.stored(key, off.now(), now, now + 60_000, 1);
        assertThat(off.size()).isZero();
        assertThat(off.l2Miss(key, false, 0, now).cause()).isEqualTo(MissCause.COLD);
    }

    @Test
    void shouldRegisterForANativeImageTheClassesCaffeineGeneratesForItsMaps() throws Exception {
        assertThat(CaffeineClasses.of(CaffeineClasses.field(history, "traces")))
                .isEqualTo(CaffeineClasses.registeredBy(KeyHistory.class));
        assertThat(CaffeineClasses.of(CaffeineClasses.field(history, "groups")))
                .isEqualTo(CaffeineClasses.registeredBy(KeyHistory.class));
    }

    private L1Tier.Entry entry(long freshUntil) {
        return new L1Tier.Entry("v", false, null, 100, now, freshUntil, freshUntil);
    }

    private static CacheConfig tinyL1() {
        CacheConfig.L1 l1 = ConfigProxy.of(CacheConfig.L1.class, Map.of("enabled", true, "maxEntries", 2L,
                "maxWeightBytes", 200L, "ttl", Duration.ofMinutes(10)));
        return ConfigProxy.of(CacheConfig.class, Map.of("l1", l1));
    }
}
