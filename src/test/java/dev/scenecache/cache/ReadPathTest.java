package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import dev.scenecache.testing.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The read path on one Redis (and, through {@code ClusterReadPathTest}, on a cluster): each cache misses then
 * hits without touching the database, L2 answers when L1 lost an entry, not-found answers are cached
 * briefly, garbage is a miss, a hit needs no script exactly when the script would answer one, batched hit
 * checks answer as alone, concurrent misses load once, oversized values are not cached, large ones are
 * deflated, and nothing reaches Redis while caching is off.
 */
@QuarkusTest
class ReadPathTest extends CacheTestBase {

    @Test
    void shouldMissThenHitEachCacheWithoutTouchingTheDatabase() {
        String project = Api.createProject("Cached");
        String scene = Api.createScene(project, "Hot");
        String user = "cache_user_" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of("theme", "dark")))
                .put("/users/{u}/preferences", user).then().statusCode(200);

        record Read(String path, Object[] params, String table) {
        }
        List<Read> reads = List.of(
                new Read("/projects/{p}", new Object[] { project }, "project"),
                new Read("/projects/{p}/scenes/{s}", new Object[] { project, scene }, "scene"),
                new Read("/projects/{p}/scenes", new Object[] { project }, "scene"),
                new Read("/users/{u}/preferences", new Object[] { user }, "user_preferences"));
        // The writes above wrote their entities through (into Redis, and into this instance's L1); start these
        // reads from an empty cache.
        redis.call("DEL", "sc:{p:" + project + "}:project", "sc:{p:" + project + "}:scene:" + scene,
                "sc:{u:" + user + "}:preferences");
        l1.clear();
        for (Read read : reads) {
            // Action: first read. Expected: MISS, loaded from PostgreSQL.
            long before = Sql.statementsOn(read.table());
            Response miss = get(read.path(), read.params());
            assertThat(miss.header("X-Cache")).as(read.path()).isEqualTo("MISS");
            assertThat(Sql.statementsOn(read.table())).as(read.path()).isGreaterThan(before);

            // Action: read again. Expected: HIT from L1, the same body, no statement on the table.
            long afterMiss = Sql.statementsOn(read.table());
            Response hit = get(read.path(), read.params());
            assertThat(hit.header("X-Cache")).as(read.path()).isEqualTo("HIT");
            assertThat(hit.header("X-Cache-Tier")).as(read.path()).isEqualTo("L1");
            assertThat(hit.asString()).isEqualTo(miss.asString());
            assertThat(hit.header("ETag")).isEqualTo(miss.header("ETag"));
            assertThat(Sql.statementsOn(read.table())).as(read.path()).isEqualTo(afterMiss);
        }
        // The project's keys share one hash tag, found with SCAN.
        assertThat(redis.scan("sc:{p:" + project + "}:*"))
                .contains("sc:{p:" + project + "}:project", "sc:{p:" + project + "}:scene-list",
                        "sc:{p:" + project + "}:scene:" + scene);
    }

    @Test
    void shouldServeL2HitWhenL1HasBeenDroppedByAnotherInstance() {
        String project = Api.createProject("Shared");
        String scene = Api.createScene(project, "Across");
        get("/projects/{p}/scenes/{s}", project, scene);
        assertThat(get("/projects/{p}/scenes/{s}", project, scene).header("X-Cache-Tier")).isEqualTo("L1");

        // Action: another instance ("other") publishes an invalidation of the scene, as its writes do.
        // Expected: this instance drops its L1 copy and acknowledges on the other's channel; the next
        // read is a hit from Redis (the simulated message did not delete the Redis key).
        redis.call("PUBLISH", "sc:inv", "other\t1\nk\tscene\tp:" + project + "\t" + scene);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(get("/projects/{p}/scenes/{s}", project, scene).header("X-Cache-Tier")).isEqualTo("L2"));
        assertThat(get("/projects/{p}/scenes/{s}", project, scene).header("X-Cache-Tier")).isEqualTo("L1");
    }

    @Test
    void shouldCacheNotFoundBrieflyAndDropItOnCreate() {
        String user = "neg_" + UUID.randomUUID().toString().substring(0, 8);
        given().get("/users/{u}/preferences", user).then().statusCode(404).header("X-Cache", "MISS");
        given().get("/users/{u}/preferences", user).then().statusCode(404).header("X-Cache", "HIT");
        long ttl = redis.call("PTTL", "sc:{u:" + user + "}:preferences").toLong();
        assertThat(ttl).isBetween(1L, 30_000L);

        given().contentType(ContentType.JSON).body(Map.of("preferences", Map.of("a", 1)))
                .put("/users/{u}/preferences", user).then().statusCode(200);
        given().get("/users/{u}/preferences", user).then().statusCode(200).body("preferences.a", equalTo(1));
    }

    @Test
    void shouldTreatGarbageInRedisAsAMiss() {
        String project = Api.createProject("Garbage");
        String scene = Api.createScene(project, "Clean");
        String key = "sc:{p:" + project + "}:scene:" + scene;
        for (String garbage : List.of("not an entry", "1j0000000000000000000000000000000{broken json",
                "9" + "x".repeat(60))) {
            redis.call("SET", key, garbage);
            coherence.setEnabled(false);
            coherence.setEnabled(true);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> coherence.l1Usable());
            Response response = get("/projects/{p}/scenes/{s}", project, scene);
            assertThat(response.header("X-Cache")).isEqualTo("MISS");
            assertThat(response.<String> path("name")).isEqualTo("Clean");
            // The miss filled the key again with a real entry.
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("GET", key).toString().startsWith("3j"));
        }
    }

    @Test
    void shouldAnswerAHitWithoutTheScriptExactlyWhenTheReadScriptWouldAnswerOne() throws Exception {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), UUID.randomUUID().toString());
        long cacheGen = coherence.cacheGeneration(CacheNames.SCENE);
        // A new group: its counter is started by the script; read again, a plain GET answers the same.
        long groupGen = redisTier.currentGeneration(key.groupGenerationKey()).await().atMost(Duration.ofSeconds(5));
        assertThat(redisTier.currentGeneration(key.groupGenerationKey()).await().atMost(Duration.ofSeconds(5)))
                .isEqualTo(groupGen);
        byte[] payload = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        byte[] current = dev.scenecache.cache.redis.EntryCodec.encode(false, payload, cacheGen, groupGen, 3, now,
                now + 3_600_000, 4096);
        String valid = new String(current, StandardCharsets.US_ASCII);
        Map<String, String> stored = new java.util.LinkedHashMap<>();
        stored.put("current", valid);
        stored.put("current negative", new String(dev.scenecache.cache.redis.EntryCodec.encode(true, payload, cacheGen,
                groupGen, 0, now, now + 3_600_000, 4096), StandardCharsets.US_ASCII));
        stored.put("expired", new String(dev.scenecache.cache.redis.EntryCodec.encode(false, payload, cacheGen,
                groupGen, 3, now - 3_600_000, now - 1, 4096), StandardCharsets.US_ASCII));
        stored.put("expired negative", new String(dev.scenecache.cache.redis.EntryCodec.encode(true, payload, cacheGen,
                groupGen, 0, now - 3_600_000, now - 1, 4096), StandardCharsets.US_ASCII));
        stored.put("older cache generation", valid.substring(0, 2) + dev.scenecache.cache.redis.EntryCodec.hex(cacheGen - 1)
                + valid.substring(18));
        stored.put("older group generation", valid.substring(0, 18) + dev.scenecache.cache.redis.EntryCodec.hex(groupGen - 1)
                + valid.substring(34));
        stored.put("version floor", new String(dev.scenecache.cache.redis.EntryCodec.floor(cacheGen, 3),
                StandardCharsets.US_ASCII).substring(0, 18) + valid.substring(18, 82));
        String upper = valid.substring(0, 2) + valid.substring(2, 34).toUpperCase() + valid.substring(34);
        if (!upper.equals(valid)) { // generations of digits only (a few % of clock values) have no case
            stored.put("upper-case hex", upper);
        }
        stored.put("other format", "2" + valid.substring(1));
        stored.put("truncated header", valid.substring(0, 30));
        stored.put("garbage", "not an entry");
        String script;
        try (var in = getClass().getResourceAsStream("/lua/read.lua")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> hits = new ArrayList<>();
        for (var e : stored.entrySet()) {
            // The read script alone says whether this is a hit (a string) or a miss (the generation).
            redis.call("SET", key.redisKey(), e.getValue());
            var byScript = redis.call("EVAL", script, "3", key.redisKey(),
                    key.groupGenerationKey(), key.leaseKey(), dev.scenecache.cache.redis.EntryCodec.hex(cacheGen),
                    "script-lease", "60000", Long.toString(System.currentTimeMillis()));
            boolean scriptHit = byScript.type() == io.vertx.redis.client.ResponseType.BULK;
            redis.call("DEL", key.leaseKey());

            var read = redisTier.read(key, cacheGen, "read-lease").await().atMost(Duration.ofSeconds(5));

            assertThat(read.hit()).as(e.getKey()).isEqualTo(scriptHit);
            if (read.hit()) {
                hits.add(e.getKey());
                assertThat(new String(read.value(), StandardCharsets.US_ASCII)).as(e.getKey()).isEqualTo(e.getValue());
                assertThat(redis.call("GET", key.leaseKey())).as(e.getKey()).isNull();
            } else {
                // A miss took the fill lease, as the script does; an expired value comes with it (stale-if-error).
                assertThat(read.groupGeneration()).as(e.getKey()).isEqualTo(groupGen);
                assertThat(read.expired() == null ? null : new String(read.expired(), StandardCharsets.US_ASCII))
                        .as(e.getKey()).isEqualTo(e.getKey().equals("expired") ? e.getValue() : null);
                assertThat(redis.call("GET", key.leaseKey()).toString()).as(e.getKey()).isEqualTo("read-lease");
            }
        }
        assertThat(hits).containsExactly("current", "current negative");
    }

    @Test
    void shouldAnswerEveryReadOfABatchWithItsOwnKeysEntry() throws Exception {
        // Arrange: 70 keys in 5 groups; a third current, a third of an older group generation, a third missing.
        long cacheGen = coherence.cacheGeneration(CacheNames.SCENE);
        List<CacheKey> keys = new ArrayList<>();
        Map<CacheKey, String> current = new java.util.HashMap<>();
        Map<CacheKey, Long> groupGens = new java.util.HashMap<>();
        for (int g = 0; g < 5; g++) {
            String group = "p:" + UUID.randomUUID();
            long groupGen = redisTier.currentGeneration(CacheKey.groupGenerationKey(group)).await()
                    .atMost(Duration.ofSeconds(5));
            for (int i = 0; i < 14; i++) {
                CacheKey key = CacheKey.of(CacheNames.SCENE, group, UUID.randomUUID().toString());
                keys.add(key);
                groupGens.put(key, groupGen);
                String payload = "{\"n\":\"" + key.id() + "\"}";
                if (i % 3 != 2) {
                    byte[] entry = dev.scenecache.cache.redis.EntryCodec.encode(false,
                            payload.getBytes(StandardCharsets.UTF_8), cacheGen, i % 3 == 0 ? groupGen : groupGen - 1, 1,
                            System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000, 4096);
                    redis.call("SET", key.redisKey(), entry);
                    if (i % 3 == 0) {
                        current.put(key, new String(entry, StandardCharsets.UTF_8));
                    }
                }
            }
        }
        var sizes = registry.find("cache.redis.read.batch").summary();
        long batches = sizes.count();
        double batched = sizes.totalAmount();

        // Action: all 70 reads start in one task of one event loop, as the requests of one turn of it do.
        List<CompletableFuture<dev.scenecache.cache.redis.RedisTier.ReadResult>> reads = new ArrayList<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            for (int i = 0; i < keys.size(); i++) {
                reads.add(redisTier.read(keys.get(i), cacheGen, "lease-" + i).subscribeAsCompletionStage());
            }
            started.complete(null);
        });
        started.get(5, java.util.concurrent.TimeUnit.SECONDS);

        // Expected: each read has its own key's answer, as alone; the misses took their own lease.
        for (int i = 0; i < keys.size(); i++) {
            CacheKey key = keys.get(i);
            var read = reads.get(i).get(5, java.util.concurrent.TimeUnit.SECONDS);
            if (current.containsKey(key)) {
                assertThat(read.hit()).as(key.id()).isTrue();
                assertThat(new String(read.value(), StandardCharsets.UTF_8)).isEqualTo(current.get(key));
            } else {
                assertThat(read.hit()).as(key.id()).isFalse();
                assertThat(read.groupGeneration()).isEqualTo(groupGens.get(key));
                assertThat(redis.call("GET", key.leaseKey()).toString()).isEqualTo("lease-" + i);
            }
        }
        // ...and the 70 hit checks took two round trips: a full batch of 64, then the other 6.
        assertBatches(sizes.count() - batches, keys);
        assertThat(sizes.totalAmount() - batched).isEqualTo(70);
    }

    /** One Redis: one MGET for the full batch of 64 reads, one for the 6 others. */
    protected void assertBatches(long batches, List<CacheKey> keys) {
        assertThat(batches).isEqualTo(2);
    }

    @Test
    void shouldLoadOnceFor50ConcurrentMissesOfOneKey() throws Exception {
        // The first load is held until all 50 readers have arrived, so they are concurrent for sure
        // (over HTTP on a loaded machine some could arrive after it ended: that is not a stampede).
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        probe.put(id, "\"stampede\"");
        int loads = probe.loads();
        CompletableFuture<Void> loading = probe.hold();
        List<CompletableFuture<JsonDocument>> reads = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                reads.add(probe.read(group, id).subscribeAsCompletionStage());
            }
            loading.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            probe.release();
        }
        for (CompletableFuture<JsonDocument> read : reads) {
            assertThat(read.get(5, java.util.concurrent.TimeUnit.SECONDS).text()).isEqualTo("\"stampede\"");
        }
        assertThat(probe.loads() - loads).isEqualTo(1);
    }

    @Test
    void shouldNotCacheAValueOverTheSizeLimit() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        probe.put(id, "\"" + "x".repeat(1024 * 1024 + 1) + "\"");
        int loads = probe.loads();
        probe.read(group, id).await().atMost(Duration.ofSeconds(5));
        probe.read(group, id).await().atMost(Duration.ofSeconds(5));
        assertThat(probe.loads() - loads).isEqualTo(2);
        // Only the fill lease of the miss (it expires by itself) and the group's generation are there; no entry.
        assertThat(redis.scan("sc:{p:" + group + "}:*")).allSatisfy(k -> assertThat(k).matches(".*:(l|g)$"));
    }

    @Test
    void shouldCompressLargeValuesInRedis() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        String big = "\"" + "scene code ".repeat(2000) + "\"";
        probe.put(id, big);
        probe.read(group, id).await().atMost(Duration.ofSeconds(5));
        String key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString()).redisKey();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", key).toLong() == 1L);
        byte[] stored = redis.call("GET", key).toBytes();
        assertThat((char) stored[1]).isEqualTo('z');
        assertThat(stored.length).isLessThan(big.length() / 4);
        coherence.setEnabled(false);
        coherence.setEnabled(true);
        CacheReady.awaitL2(coherence);
        assertThat(new String(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).json(),
                StandardCharsets.UTF_8)).isEqualTo(big);
    }

    @Test
    void shouldMakeNoRedisCallsWhileSwitchedOff() {
        String project = Api.createProject("Switch");
        String scene = Api.createScene(project, "Off");
        get("/projects/{p}/scenes/{s}", project, scene);
        coherence.setEnabled(false);
        try {
            // A heartbeat or fill sent just before the switch may still reach Redis: count from the moment
            // Redis has been quiet between two looks (the second look itself is the only command between).
            long[] last = { redis.commandsProcessed() };
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                long now = redis.commandsProcessed();
                boolean quiet = now - last[0] == redis.commandsPerLook();
                last[0] = now;
                return quiet;
            });
            long before = last[0];
            for (int i = 0; i < 10; i++) {
                given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                        .header("X-Cache", "BYPASS").header("X-Cache-Tier", nullValue());
            }
            given().contentType(ContentType.JSON).body(Map.of("name", "Changed while off"))
                    .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200);
            // Only the INFO of this test itself.
            assertThat(redis.commandsProcessed() - before).isEqualTo(redis.commandsPerLook());
        } finally {
            coherence.setEnabled(true);
        }
        // Switched on again: the write made while off is not hidden by the old Redis entry.
        CacheReady.awaitL2(coherence);
        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                .body("name", equalTo("Changed while off"));
    }
}
