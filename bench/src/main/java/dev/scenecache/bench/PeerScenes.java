package dev.scenecache.bench;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.common.ProblemException;
import dev.scenecache.scene.SceneStatements;
import io.quarkus.cache.CacheInvalidate;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * The peers of the benchmark, on the same repository query as scenecache's scene read
 * ({@link SceneStatements#find}), written the
 * way their users would write them. Never in the product's request path: only {@link PeerResource}
 * (off unless {@code BENCH_PEERS_ENABLED=true}) calls them.
 * <ul>
 * <li>(e) Quarkus' {@code @CacheResult} with {@code quarkus-redis-cache} (cache {@code peer-scene}),
 * {@code @CacheInvalidate} on writes;
 * <li>(f) the ticket's cache-aside sketch in Java: one Redis {@code GET} and a JSON parse on a hit; the
 * database and a {@code SETEX} on a miss; {@code DEL} on writes.
 * </ul>
 */
@ApplicationScoped
public class PeerScenes {

    private static final int TTL_SECONDS = 3600;

    private final ObjectMapper mapper;
    private final Redis redis;
    private final SceneStatements statements;
    /** Loads from PostgreSQL (misses), both peers together: the benchmark derives their hit rate from it. */
    private final java.util.concurrent.atomic.AtomicLong loads = new java.util.concurrent.atomic.AtomicLong();

    public PeerScenes(ObjectMapper mapper, Redis redis, SceneStatements statements) {
        this.mapper = mapper;
        this.redis = redis;
        this.statements = statements;
    }

    /** (e) */
    @CacheResult(cacheName = "peer-scene")
    public Uni<String> cached(@CacheKey UUID projectId, @CacheKey UUID sceneId) {
        return load(projectId, sceneId);
    }

    @CacheInvalidate(cacheName = "peer-scene")
    public Uni<Void> forget(@CacheKey UUID projectId, @CacheKey UUID sceneId) {
        return Uni.createFrom().voidItem();
    }

    /** (f) */
    public Uni<Object> aside(UUID projectId, UUID sceneId) {
        String key = asideKey(projectId, sceneId);
        return redis.send(Request.cmd(Command.GET).arg(key)).chain(hit -> {
            if (hit != null) {
                try {
                    return Uni.createFrom().item((Object) mapper.readTree(hit.toBytes()));
                } catch (Exception e) {
                    return Uni.createFrom().failure(e);
                }
            }
            return load(projectId, sceneId).call(json -> redis.send(Request.cmd(Command.SETEX).arg(key)
                    .arg(TTL_SECONDS).arg(json))).map(json -> {
                        try {
                            return (Object) mapper.readTree(json);
                        } catch (JsonProcessingException e) {
                            throw new IllegalStateException(e);
                        }
                    });
        });
    }

    public Uni<Void> asideForget(UUID projectId, UUID sceneId) {
        return redis.send(Request.cmd(Command.DEL).arg(asideKey(projectId, sceneId))).replaceWithVoid();
    }

    public long loads() {
        return loads.get();
    }

    private Uni<String> load(UUID projectId, UUID sceneId) {
        loads.incrementAndGet();
        return statements.find(projectId, sceneId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Scene", sceneId))
                .map(scene -> {
                    try {
                        return mapper.writeValueAsString(scene);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private static String asideKey(UUID projectId, UUID sceneId) {
        return "peer:scene:" + projectId + ":" + sceneId;
    }
}
