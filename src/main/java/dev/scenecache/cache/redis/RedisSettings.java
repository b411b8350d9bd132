package dev.scenecache.cache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * Applies {@code CACHE_MAX_MEMORY} and {@code CACHE_EVICTION_POLICY} to Redis at start with
 * {@code CONFIG SET}. Managed Redis services often refuse {@code CONFIG}: then the service starts all
 * the same and reports what it could not apply.
 */
@ApplicationScoped
public class RedisSettings {

    private static final Logger LOG = Logger.getLogger(RedisSettings.class);

    private final RedisCommands tier;
    private final CacheConfig config;
    private final List<String> problems = new ArrayList<>();

    public RedisSettings(RedisCommands tier, CacheConfig config) {
        this.tier = tier;
        this.config = config;
    }

    void apply(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        set("maxmemory", config.maxMemory());
        set("maxmemory-policy", config.evictionPolicy());
    }

    private void set(String parameter, Optional<String> value) {
        // On Redis Cluster, CONFIG SET is per node: every node gets it (replicas too: they may be promoted).
        value.filter(v -> !v.isBlank())
                .ifPresent(v -> tier.toEveryNode(Request.cmd(Command.CONFIG).arg("SET").arg(parameter).arg(v))
                        .onFailure().recoverWithItem(List.of())
                        .subscribe().with(sends -> sends.forEach(send -> report(parameter, v, send))));
    }

    private void report(String parameter, String value, Uni<?> send) {
        send.ifNoItem().after(Duration.ofSeconds(2)).fail().subscribe().with(
                ok -> LOG.infof("Redis %s set to [%s]", parameter, value),
                failure -> {
                    String problem = "Redis " + parameter + " not applied: " + failure.getMessage();
                    synchronized (problems) {
                        problems.add(problem);
                    }
                    LOG.warn(problem);
                });
    }

    /** What could not be applied, for the stats and health reasons. */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }
}
