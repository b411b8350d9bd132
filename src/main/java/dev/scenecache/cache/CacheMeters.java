package dev.scenecache.cache;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.coherence.Fences;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.RedisCommands;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.quarkus.runtime.Startup;

/**
 * The cache's gauges and counters beside the per-cache ones of {@link CacheStats}: its switch and health,
 * L1's size, the circuit, the coherence protocol, Redis' commands and memory. Micrometer names, so that
 * {@code /q/metrics} shows them as {@code cache_*}.
 */
@ApplicationScoped
@Startup
class CacheMeters {

    CacheMeters(MeterRegistry registry, CacheMonitor monitor, Coherence coherence, L1Tier l1, RedisCommands tier) {
        Gauge.builder("cache.enabled", coherence, c -> c.enabled() ? 1 : 0)
                .description("1 while caching is switched on").register(registry);
        Gauge.builder("cache.degraded", monitor, m -> m.health().degraded() ? 1 : 0)
                .description("1 while the cache is degraded or switched off (see /admin/cache/stats for why)")
                .register(registry);
        Gauge.builder("cache.l1.size", l1, L1Tier::size)
                .description("Entries in the in-process tier").register(registry);
        Gauge.builder("cache.l1.weight", l1, L1Tier::weightedSize).baseUnit(BaseUnits.BYTES)
                .description("Bytes of values in the in-process tier").register(registry);
        Gauge.builder("cache.circuit.state", tier, t -> t.breaker().state().ordinal())
                .description("Redis circuit breaker: 0 closed, 1 open, 2 half-open").register(registry);
        FunctionCounter.builder("cache.circuit.opened", tier, t -> t.breaker().timesOpened())
                .description("Times the Redis circuit breaker opened").register(registry);
        Gauge.builder("cache.coherence.subscribed", coherence, c -> c.subscribed() ? 1 : 0)
                .description("1 while the invalidation subscription is established").register(registry);
        FunctionCounter.builder("cache.coherence.ack.timeouts", coherence, Coherence::ackTimeouts)
                .description("Writes that stopped waiting for an instance's invalidation acknowledgement")
                .register(registry);
        FunctionCounter.builder("cache.invalidations.missed", coherence, Coherence::missedInvalidations)
                .description("Invalidations Redis could not take at once (kept and replayed)").register(registry);
        Gauge.builder("cache.invalidations.pending", coherence, Coherence::pendingInvalidations)
                .description("Invalidations waiting to be replayed in Redis").register(registry);
        for (Fences.Cause cause : Fences.Cause.values()) {
            FunctionCounter.builder("cache.redis.fences", coherence.fences(), f -> f.count(cause)).tag("cause", cause.tag())
                    .description("Times every cache generation moved on because Redis' data could not be trusted"
                            + " (another server, a promoted replica, restored data, a cluster master change)")
                    .register(registry);
        }
        FunctionCounter.builder("cache.redis.commands", tier, RedisCommands::sent)
                .description("Commands sent to Redis").register(registry);
        FunctionCounter.builder("cache.redis.failures", tier, RedisCommands::failed)
                .description("Redis commands that failed or timed out").register(registry);
        Gauge.builder("cache.redis.memory.used", monitor, m -> orNaN(m.redis().usedMemoryBytes()))
                .baseUnit(BaseUnits.BYTES).description("Redis used_memory (INFO memory)").register(registry);
        Gauge.builder("cache.redis.memory.max", monitor, m -> orNaN(m.redis().maxMemoryBytes()))
                .baseUnit(BaseUnits.BYTES).description("Redis maxmemory, 0 when unlimited (INFO memory)")
                .register(registry);
    }

    private static double orNaN(Long value) {
        return value == null ? Double.NaN : value;
    }
}
