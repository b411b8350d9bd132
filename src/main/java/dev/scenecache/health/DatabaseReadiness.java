package dev.scenecache.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.scenecache.cache.CacheMonitor;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Readiness is DOWN when PostgreSQL does not answer {@code SELECT 1} through the pool requests use,
 * within two seconds: without its database the service cannot answer what is not cached, nor write.
 * Unless the cache answers what it holds through the outage (stale-if-error, {@code CACHE_STALE_IF_ERROR}
 * above 0 and caching on): then the check stays UP and says why ({@code "state": "unreachable"}), because
 * a database outage reaches every replica at once, and taking them all out of the load balancer would
 * turn a service that still answers most reads into none. The price: a replica cut off from PostgreSQL
 * alone stays in the load balancer too, answering its cached reads and 503 for the rest.
 *
 * <p>
 * It replaces Quarkus' datasource checks ({@code quarkus.datasource.health.enabled=false}): the JDBC
 * one checks a pool that only Flyway uses at start, and kept reporting DOWN on a stale connection after
 * PostgreSQL was back.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Pool pool;
    private final CacheMonitor cache;

    public DatabaseReadiness(Pool pool, CacheMonitor cache) {
        this.pool = pool;
        this.cache = cache;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long start = System.nanoTime();
        return pool.query("SELECT 1").execute()
                .ifNoItem().after(TIMEOUT).fail()
                .map(rows -> HealthCheckResponse.named("database").up()
                        .withData("roundTripMillis", (System.nanoTime() - start) / 1_000_000).build())
                .onFailure().recoverWithItem(failure -> {
                    long grace = cache.staleIfErrorSeconds();
                    if (grace > 0) {
                        return HealthCheckResponse.named("database").up().withData("state", "unreachable")
                                .withData("reason", "PostgreSQL unreachable: " + failure.getMessage()
                                        + "; cached entries are answered up to " + grace
                                        + "s past their TTL (stale-if-error), other reads and writes answer 503")
                                .build();
                    }
                    return HealthCheckResponse.named("database").down()
                            .withData("reason", "PostgreSQL unreachable: " + failure.getMessage()).build();
                });
    }
}
