package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * What the cache's invariant tests share: the service's beans they look into, a controllable source
 * ({@link CacheProbe}), the Redis the service uses ({@link #newRedisProbe}: one Redis here, a cluster in the
 * {@code Cluster*Test} subclasses), a ready cache before each test, and helpers that write and read entries
 * as the service does. Each subclass proves one family of invariants (docs/architecture.md).
 */
@QuarkusTestResource(TestServers.class)
abstract class CacheTestBase {

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Inject
    Coherence coherence;

    @Inject
    CacheProbe probe;

    @Inject
    CacheInvalidator invalidator;

    @Inject
    dev.scenecache.cache.write.WriteThroughs writes;

    @Inject
    dev.scenecache.cache.redis.RedisTier redisTier;

    @Inject
    dev.scenecache.cache.local.L1Tier l1;

    @Inject
    io.vertx.core.Vertx vertx;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    dev.scenecache.cache.CacheStats stats;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    RedisProbe redis;

    /** The Redis the service under test uses. */
    protected RedisProbe newRedisProbe() {
        return new RedisProbe();
    }

    @BeforeEach
    void cacheReady() {
        redis = newRedisProbe();
        CacheReady.await(coherence);
        // A source that answers: forgets a database failure an earlier test made (for a second, reads that
        // hold an expired value answer it without asking the source).
        UUID id = UUID.randomUUID();
        probe.put(id, "\"up\"");
        probe.read(UUID.randomUUID(), id).await().atMost(Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        probe.failWith(null); // the source answers again, and nothing is held, whatever a test left
        probe.release();
        redis.close();
    }

    /** How the reactive client reports an unreachable PostgreSQL (one of the shapes it takes). */
    static final Throwable DATABASE_DOWN = new java.net.ConnectException("Connection refused");

    static void assertDatabaseFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable read) {
        assertThatThrownBy(read).matches(dev.scenecache.common.DatabaseFailures::isUnavailable, "the database's failure");
    }

    static Response get(String path, Object... params) {
        return given().get(path, params).then().statusCode(200).extract().response();
    }

    /** A write of {@code json} at {@code version} through the key's group, alone in its cache write. */
    void writeThrough(CacheKey key, String json, long version) {
        invalidator.begin(key.group()).put(key, new JsonDocument(json.getBytes(StandardCharsets.UTF_8), version)).apply()
                .await().atMost(Duration.ofSeconds(5));
    }

    /**
     * What a reader does on a miss: the read script misses and takes the fill lease, then the fill stores
     * {@code json} of {@code version} under the group generation the read found; both checked.
     */
    void missThenFill(CacheKey key, String lease, String json, long version) {
        var read = redisTier.read(key, coherence.cacheGeneration(CacheNames.SCENE), lease)
                .await().atMost(Duration.ofSeconds(5));
        assertThat(read.hit()).isFalse();
        byte[] filled = dev.scenecache.cache.redis.EntryCodec.encode(false, json.getBytes(StandardCharsets.UTF_8),
                coherence.cacheGeneration(CacheNames.SCENE), read.groupGeneration(), version, System.currentTimeMillis(),
                System.currentTimeMillis() + 60_000, Integer.MAX_VALUE);
        assertThat(redisTier.fill(key, lease, filled, 60_000).await().atMost(Duration.ofSeconds(5))).isTrue();
    }

    /** The key holds no value a read could answer, only a version floor of {@code version}. */
    void assertNoValueButAFloorOf(CacheKey key, long version) {
        assertThat(EntryCodec.floorVersion(redis.call("GET", key.redisKey()).toBytes())).isEqualTo(version);
        var read = redisTier.read(key, coherence.cacheGeneration(CacheNames.SCENE), "lease-probe")
                .await().atMost(Duration.ofSeconds(5));
        assertThat(read.hit()).isFalse();
        redis.call("DEL", key.leaseKey()); // the probe's lease
    }

    // --- freshness: TTL bounds both tiers, stale-if-error, refresh-ahead ------------------------------------

    /** Puts an entry for {@code key} in Redis as a fill would, with the given times (epoch ms). */
    void putEntry(CacheKey key, String json, long version, long storedAt, long freshUntil) {
        long groupGen = redisTier.currentGeneration(key.groupGenerationKey()).await().atMost(Duration.ofSeconds(5));
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        // The payload of a JsonDocument: its version (8 bytes), then its JSON.
        byte[] payload = java.nio.ByteBuffer.allocate(8 + text.length).putLong(version).put(text).array();
        byte[] entry = dev.scenecache.cache.redis.EntryCodec.encode(false, payload,
                coherence.cacheGeneration(key.cache()), groupGen, version, storedAt, freshUntil, 4096);
        redis.call("SET", key.redisKey(), entry, "PX", "600000");
    }

    dev.scenecache.cache.CacheStats.Counters sceneCounters() {
        return stats.of(CacheNames.SCENE);
    }
}
