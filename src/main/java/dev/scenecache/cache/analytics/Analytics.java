package dev.scenecache.cache.analytics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * Cache analytics (docs/architecture.md, "Cache analytics"): why each tier missed ({@link MissCause}, from
 * {@link KeyHistory}), whether each cache's TTL fits (expired entries reloaded byte-identical, entries
 * invalidated before their TTL: {@link TtlAdvisor}), the TTL in use (adaptive with {@code CACHE_TTL_ADAPTIVE})
 * and the hottest keys ({@link HotKeys}). The read path reports to it; it never changes what a read answers,
 * only, when adaptive, how long the next entries live.
 *
 * <p>
 * Meters: {@code cache.misses{cache,tier,cause}}, {@code cache.ttl.reloads{cache,content}},
 * {@code cache.ttl.invalidated{cache,when}} and {@code cache.ttl.seconds{cache,kind}}.
 */
@ApplicationScoped
public class Analytics {

    private static final Logger LOG = Logger.getLogger(Analytics.class);
    public static final String L1 = "l1";
    public static final String L2 = "l2";
    /** One lookup in this many goes to the hot keys' sketch. */
    public static final int HOT_SAMPLE = 16;

    /** The figures of one cache. */
    public final class OfCache {
        final String cache;
        final long configuredMillis;
        final LongAdder[][] misses = new LongAdder[2][MissCause.values().length];
        final LongAdder identical = new LongAdder();
        final LongAdder changed = new LongAdder();
        final LongAdder invalidatedEarly = new LongAdder();
        final LongAdder invalidatedLate = new LongAdder();
        final HotKeys<CacheKey> hot;
        /** The endings since the TTL was last worked out. */
        private long windowExpired;
        private long windowIdentical;
        private long windowInvalidated;
        volatile long effectiveMillis;
        volatile TtlAdvisor.Advice advice;

        OfCache(String cache, long configuredMillis) {
            this.cache = cache;
            this.configuredMillis = configuredMillis;
            this.effectiveMillis = configuredMillis;
            this.advice = new TtlAdvisor.Advice(configuredMillis, "not enough data");
            this.hot = new HotKeys<>(4 * Math.max(1, config.analytics().hotKeys()), Analytics::label);
            for (LongAdder[] tier : misses) {
                for (int i = 0; i < tier.length; i++) {
                    tier[i] = new LongAdder();
                }
            }
        }

        synchronized void ended(boolean expired, boolean identicalReload, boolean invalidated) {
            windowExpired += expired ? 1 : 0;
            windowIdentical += identicalReload ? 1 : 0;
            windowInvalidated += invalidated ? 1 : 0;
        }

        /** Works the TTL out again when the window holds enough endings; adaptive: the TTL follows. */
        synchronized void evaluate() {
            TtlAdvisor.Endings window = new TtlAdvisor.Endings(windowExpired, windowIdentical, windowInvalidated);
            if (window.total() < TtlAdvisor.MIN_ENDINGS) {
                return;
            }
            TtlAdvisor.Advice next = TtlAdvisor.advise(window, effectiveMillis, minMillis(), maxMillis());
            advice = next;
            windowExpired = windowIdentical = windowInvalidated = 0;
            if (config.ttl().adaptive() && next.ttlMillis() != effectiveMillis) {
                LOG.infof("Adaptive TTL of [%s]: %d s -> %d s (%s)", cache, effectiveMillis / 1000,
                        next.ttlMillis() / 1000, next.reason());
                effectiveMillis = next.ttlMillis();
            }
        }

        synchronized void restartWindow() {
            windowExpired = windowIdentical = windowInvalidated = 0;
        }

        /** The endings since the TTL was last worked out. */
        public synchronized TtlAdvisor.Endings window() {
            return new TtlAdvisor.Endings(windowExpired, windowIdentical, windowInvalidated);
        }

        public long misses(int tier, MissCause cause) {
            return misses[tier][cause.ordinal()].sum();
        }

        public long identical() {
            return identical.sum();
        }

        public long changed() {
            return changed.sum();
        }

        public long invalidatedEarly() {
            return invalidatedEarly.sum();
        }

        public long invalidatedLate() {
            return invalidatedLate.sum();
        }

        /** The last recommendation (the configured TTL until a window had enough endings). */
        public TtlAdvisor.Advice advice() {
            return advice;
        }

        public long configuredMillis() {
            return configuredMillis;
        }

        /** The TTL new entries get now (before jitter). */
        public long effectiveMillis() {
            return ttlMillis(cache, configuredMillis);
        }

        public HotKeys<CacheKey> hot() {
            return hot;
        }
    }

    private final CacheConfig config;
    private final KeyHistory history;
    private final boolean enabled;
    private final Map<String, OfCache> byCache = new ConcurrentHashMap<>();

    public Analytics(CacheConfig config, KeyHistory history, MeterRegistry registry) {
        this.config = config;
        this.history = history;
        this.enabled = config.analytics().enabled();
        for (String cache : CacheNames.ALL) {
            OfCache c = new OfCache(cache, config.ttl().of(cache) * 1000);
            byCache.put(cache, c);
            if (registry != null) {
                register(registry, c);
            }
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** A point in this instance's order of events, read when a read starts ({@link KeyHistory#now}). */
    public long start() {
        return enabled ? history.now() : 0;
    }

    /**
     * Every read, and whether a tier answered it: for the hot keys, one lookup in {@value #HOT_SAMPLE} at
     * random (their counts are scaled back up), so that the two event loops do not meet on the sketch's lock
     * at every L1 hit. A key read more than {@code 1/40} of the time is still found (Space-Saving's bound on
     * the sample), and its hit rate is unbiased.
     */
    public void lookup(CacheKey key, boolean hit) {
        if (enabled && ThreadLocalRandom.current().nextInt(HOT_SAMPLE) == 0) {
            of(key.cache()).hot.lookup(key, hit);
        }
    }

    /** Both tiers were passed by: caching is off. */
    public void bypassedBoth(String cache) {
        if (enabled) {
            count(cache, 0, MissCause.BYPASSED);
            count(cache, 1, MissCause.BYPASSED);
        }
    }

    /**
     * L1 did not answer: it held {@code expiredEntry} past its TTL, or nothing; {@code usable} false: not asked.
     * Answers the cause (null when analytics is off).
     */
    public MissCause l1Missed(CacheKey key, boolean usable, boolean expiredEntry) {
        if (!enabled) {
            return null;
        }
        MissCause cause = usable ? history.l1Miss(key, expiredEntry, System.currentTimeMillis()) : MissCause.BYPASSED;
        count(key.cache(), 0, cause);
        return cause;
    }

    /** Redis was not asked, or failed: the read went to the source. */
    public void l2Bypassed(String cache) {
        if (enabled) {
            count(cache, 1, MissCause.BYPASSED);
        }
    }

    /**
     * Redis held no current fresh entry; {@code expired}: the expired entry it returned (null: none). Answers
     * how the entry ended, to hand to {@link #reloaded} with the new content's hash.
     */
    public KeyHistory.Ending l2Missed(CacheKey key, byte[] expired) {
        if (!enabled) {
            return null;
        }
        long now = System.currentTimeMillis();
        KeyHistory.Ending ending = history.l2Miss(key, expired != null, expired == null ? 0 : EntryChecksum.of(expired),
                now);
        OfCache c = of(key.cache());
        count(key.cache(), 1, ending.cause());
        if (ending.cause() == MissCause.INVALIDATED) {
            long ttl = ending.freshUntil() - ending.storedAt();
            boolean early = ending.storedAt() > 0 && ttl > 0 && ending.endedAt() - ending.storedAt() < ttl / 2;
            (early ? c.invalidatedEarly : c.invalidatedLate).increment();
            c.ended(false, false, true);
        }
        return ending;
    }

    /** The source answered after {@code ending}; its content hashes to {@code hash}: the TTL's fit. */
    public void reloaded(CacheKey key, KeyHistory.Ending ending, int hash) {
        if (enabled && ending != null && ending.cause() == MissCause.EXPIRED && ending.hash() != 0) {
            OfCache c = of(key.cache());
            boolean same = ending.hash() == hash;
            (same ? c.identical : c.changed).increment();
            c.ended(true, same, false);
        }
    }

    /** An entry found in Redis or stored there by this read (which started at {@code seq}). */
    public void stored(CacheKey key, long seq, long storedAt, long freshUntil, int hash) {
        if (enabled) {
            history.stored(key, seq, storedAt, freshUntil, hash);
        }
    }

    /** The TTL to give new entries of {@code cache}: the configured one, or the adaptive one. */
    public long ttlMillis(String cache, long configuredMillis) {
        OfCache c = byCache.get(cache);
        return c == null || !config.ttl().adaptive() ? configuredMillis : c.effectiveMillis;
    }

    /** Works every cache's recommended TTL out again from its window's endings (adaptive: applies it). */
    @Scheduled(every = "${cache.analytics.window:1m}", delayed = "${cache.analytics.window:1m}")
    public void evaluate() {
        if (enabled) {
            byCache.values().forEach(OfCache::evaluate);
        }
    }

    /** The recommendations start again from the endings that come next (a statistics reset). */
    public void restartWindows() {
        byCache.values().forEach(OfCache::restartWindow);
    }

    /** What {@code GET /admin/cache/analytics} shows of each cache. */
    public Map<String, OfCache> caches() {
        return byCache;
    }

    KeyHistory history() {
        return history;
    }

    long minMillis() {
        return config.ttl().adaptiveMin() * 1000;
    }

    long maxMillis() {
        return config.ttl().adaptiveMax() * 1000;
    }

    /** A key as the hot keys show it: its group and id (ids and content hashes, never content). */
    static String label(CacheKey key) {
        return key.id().isEmpty() ? key.group() : key.group() + "/" + key.id();
    }

    private OfCache of(String cache) {
        OfCache c = byCache.get(cache);
        return c != null ? c : byCache.computeIfAbsent(cache, n -> new OfCache(n, config.ttl().of(n) * 1000));
    }

    private void count(String cache, int tier, MissCause cause) {
        of(cache).misses[tier][cause.ordinal()].increment();
    }

    private void register(MeterRegistry registry, OfCache c) {
        String[] tiers = { L1, L2 };
        for (int t = 0; t < 2; t++) {
            for (MissCause cause : MissCause.values()) {
                FunctionCounter.builder("cache.misses", c.misses[t][cause.ordinal()], LongAdder::sum)
                        .description("Reads a tier did not answer, by why: cold, expired, invalidated, evicted, bypassed")
                        .tags("cache", c.cache, "tier", tiers[t], "cause", cause.tag()).register(registry);
            }
        }
        Map<String, LongAdder> reloads = new LinkedHashMap<>();
        reloads.put("identical", c.identical);
        reloads.put("changed", c.changed);
        reloads.forEach((content, adder) -> FunctionCounter.builder("cache.ttl.reloads", adder, LongAdder::sum)
                .description("Expired entries read again: the source gave back identical or changed content")
                .tags("cache", c.cache, "content", content).register(registry));
        Map<String, LongAdder> invalidated = Map.of("early", c.invalidatedEarly, "late", c.invalidatedLate);
        invalidated.forEach((when, adder) -> FunctionCounter.builder("cache.ttl.invalidated", adder, LongAdder::sum)
                .description("Invalidated entries read again: dropped in the first (early) or second half of their TTL")
                .tags("cache", c.cache, "when", when).register(registry));
        for (String kind : List.of("configured", "effective", "recommended")) {
            Gauge.builder("cache.ttl.seconds", c, x -> switch (kind) {
                case "configured" -> x.configuredMillis / 1000.0;
                case "effective" -> ttlMillis(x.cache, x.configuredMillis) / 1000.0;
                default -> x.advice.ttlMillis() / 1000.0;
            }).description("The TTL of a cache's entries: configured, in use (adaptive), recommended")
                    .tags("cache", c.cache, "kind", kind).register(registry);
        }
    }
}
