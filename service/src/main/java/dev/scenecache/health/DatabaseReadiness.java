package dev.scenecache.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Readiness is DOWN when PostgreSQL does not answer {@code SELECT 1} through the pool requests use,
 * within two seconds: without its database the service cannot answer what is not cached, nor write.
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

    public DatabaseReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long start = System.nanoTime();
        return pool.query("SELECT 1").execute()
                .ifNoItem().after(TIMEOUT).fail()
                .map(rows -> HealthCheckResponse.named("database").up()
                        .withData("roundTripMillis", (System.nanoTime() - start) / 1_000_000).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("database").down()
                        .withData("reason", "PostgreSQL unreachable: " + failure.getMessage()).build());
    }
}
