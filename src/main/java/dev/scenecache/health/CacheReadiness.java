package dev.scenecache.health;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.scenecache.cache.CacheMonitor;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * The cache's part of readiness: always UP, because the service answers from PostgreSQL without its
 * cache. Taking pods out of service during a Redis outage (what the Redis client's own check would do,
 * hence {@code quarkus.redis.health.enabled=false}) would turn a slower service into no service.
 * The data says {@code "cache": "ok" | "degraded" | "disabled"} and why, for people and alerts, and for a
 * minute after Redis' data was fenced, {@code "fenced"} and why.
 * Redis is asked ({@code INFO memory}) within the cache's own timeout and circuit breaker.
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements AsyncHealthCheck {

    private final CacheMonitor monitor;

    public CacheReadiness(CacheMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return monitor.probe().map(health -> {
            var builder = HealthCheckResponse.named("cache").up().withData("cache", health.state());
            if (!health.reasons().isEmpty()) {
                builder.withData("reasons", String.join("; ", health.reasons()));
            }
            monitor.recentFence().ifPresent(fence -> builder.withData("fenced", fence));
            CacheMonitor.Window window = monitor.window();
            builder.withData("hitRate", String.format(Locale.ROOT, "%.1f", window.hitRate()))
                    .withData("lookups", window.lookups());
            return builder.build();
        });
    }
}
