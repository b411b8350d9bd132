package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.internal.Coherence;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.RedisProbe;
import dev.scenecache.testing.Sql;
import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;

@QuarkusTest
@QuarkusTestResource(TestServers.class)
class CacheTest {

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
    dev.scenecache.cache.internal.TwoTierCache twoTiers;

    @Inject
    dev.scenecache.cache.internal.RedisTier redisTier;

    @Inject
    dev.scenecache.cache.internal.L1Tier l1;

    @Inject
    io.vertx.core.Vertx vertx;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    dev.scenecache.cache.internal.CacheStats stats;

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
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> coherence.l1Usable() && coherence.l2Usable());
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
    private static final Throwable DATABASE_DOWN = new java.net.ConnectException("Connection refused");

    private static void assertDatabaseFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable read) {
        assertThatThrownBy(read).matches(dev.scenecache.common.DatabaseFailures::isUnavailable, "the database's failure");
    }

    private static Response get(String path, Object... params) {
        return given().get(path, params).then().statusCode(200).extract().response();
    }

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
    void shouldServeFreshValuesAfterEveryWrite() {
        String project = Api.createProject("Fresh");
        String scene = Api.createScene(project, "Before");
        get("/projects/{p}/scenes/{s}", project, scene);
        get("/projects/{p}/scenes", project);
        get("/projects/{p}", project);

        // Action: update the scene. Expected: the new scene is written through (this instance's L1 copy of the
        // old one dropped; on one Redis the writer's L1 keeps the new one, on a cluster it is read from Redis)
        // and the scene list is reloaded.
        given().contentType(ContentType.JSON).body(Map.of("name", "After"))
                .patch("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200);
        Response fresh = get("/projects/{p}/scenes/{s}", project, scene);
        assertThat(fresh.header("X-Cache")).isEqualTo("HIT");
        assertThat(fresh.header("X-Cache-Tier")).isEqualTo(coherence.trustedMasters() == null ? "L1" : "L2");
        assertThat(fresh.<String> path("name")).isEqualTo("After");
        assertThat(fresh.<Integer> path("version")).isEqualTo(2);
        assertThat(get("/projects/{p}/scenes", project).<List<String>> path("name")).containsExactly("After");
        // The project itself was not touched by a scene write: still a hit.
        assertThat(get("/projects/{p}", project).header("X-Cache")).isEqualTo("HIT");

        // Action: add a scene. Expected: the list shows it at once.
        String second = Api.createScene(project, "Second");
        assertThat(get("/projects/{p}/scenes", project).<List<String>> path("id")).containsExactly(scene, second);

        // Action: rename the project. Expected: the project is reloaded.
        given().contentType(ContentType.JSON).body(Map.of("name", "Renamed"))
                .patch("/projects/{p}", project).then().statusCode(200);
        assertThat(get("/projects/{p}", project).<String> path("name")).isEqualTo("Renamed");

        // Action: delete a scene. Expected: 404 for it (from its tombstone), the list without it.
        given().delete("/projects/{p}/scenes/{s}", project, second).then().statusCode(204);
        given().get("/projects/{p}/scenes/{s}", project, second).then().statusCode(404).header("X-Cache", "HIT");
        assertThat(get("/projects/{p}/scenes", project).<List<String>> path("id")).containsExactly(scene);
    }

    @Test
    void shouldDropTheWholeProjectInOneStepOnDelete() {
        String project = Api.createProject("Gone");
        String scene = Api.createScene(project, "With it");
        get("/projects/{p}", project);
        get("/projects/{p}/scenes", project);
        get("/projects/{p}/scenes/{s}", project, scene);
        long commandsBefore = redis.commandsProcessed();
        long generation = redis.call("GET", "sc:{p:" + project + "}:g").toLong();

        given().delete("/projects/{p}", project).then().statusCode(204);

        // One generation counter moved on; the entries are unreachable without being scanned.
        assertThat(redis.call("GET", "sc:{p:" + project + "}:g").toLong()).isGreaterThan(generation);
        given().get("/projects/{p}", project).then().statusCode(404);
        given().get("/projects/{p}/scenes", project).then().statusCode(404);
        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(404);
        // A handful of commands whatever the project holds (heartbeats every 200 ms run meanwhile, more on a slow machine).
        assertThat(redis.commandsProcessed() - commandsBefore).isLessThan(80);
    }

    @Test
    void shouldFlushOneCacheOnlyInOneStep() {
        String project = Api.createProject("Flushing");
        String scene = Api.createScene(project, "Flushed");
        get("/projects/{p}", project);
        get("/projects/{p}/scenes/{s}", project, scene);
        long generation = redis.call("EXISTS", "sc:{gen}:scene").toLong() == 1 ? redis.call("GET", "sc:{gen}:scene").toLong()
                : 0;

        // Action: flush the scene cache. Expected: its generation moves on; scenes reload, projects do not.
        invalidator.flush(CacheNames.SCENE).await().atMost(Duration.ofSeconds(5));
        assertThat(redis.call("GET", "sc:{gen}:scene").toLong()).isGreaterThan(generation);
        assertThat(get("/projects/{p}/scenes/{s}", project, scene).header("X-Cache")).isEqualTo("MISS");
        assertThat(get("/projects/{p}/scenes/{s}", project, scene).header("X-Cache")).isEqualTo("HIT");
        assertThat(get("/projects/{p}", project).header("X-Cache")).isEqualTo("HIT");
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
    void shouldSpreadTtlsAroundTheConfiguredValue() {
        String project = Api.createProject("Jitter");
        List<Long> ttls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String scene = Api.createScene(project, "S" + i);
            get("/projects/{p}/scenes/{s}", project, scene);
            String key = "sc:{p:" + project + "}:scene:" + scene;
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", key).toLong() == 1L);
            long pttl = redis.call("PTTL", key).toLong();
            String header = new String(redis.call("GET", key).toBytes(), 0, 82, StandardCharsets.US_ASCII);
            long ttl = Long.parseLong(header.substring(66, 82), 16) - Long.parseLong(header.substring(50, 66), 16);
            ttls.add(ttl);
            // The Redis key outlives the entry's freshness by the stale-if-error grace (600 s by default).
            assertThat(pttl).isBetween(ttl + 600_000 - 5_000, ttl + 600_000);
        }
        assertThat(ttls).allSatisfy(t -> assertThat(t).isBetween(3_240_000L, 3_960_000L));
        assertThat(ttls.stream().distinct().count()).isGreaterThan(10);
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
    void shouldNeverLetARacingFillPutTheOldValueBack() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        int loadsBefore = probe.loads();
        probe.put(id, "\"old\"");
        CompletableFuture<Void> loading = probe.hold();

        // Action: a read misses, takes the fill lease, reads "old" from the source and is held there.
        CompletableFuture<JsonDocument> racing = probe.read(group, id).subscribeAsCompletionStage();
        loading.get();
        // Action: meanwhile the source changes and the write's invalidation completes.
        probe.put(id, "\"new\"");
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        // Action: the held read goes on and tries to fill both tiers with "old".
        probe.release();
        assertThat(racing.get().text()).isEqualTo("\"old\"");

        // Expected: neither tier kept "old": Redis has no entry, and the next read loads "new".
        Awaitility.await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(redis.call("EXISTS", key.redisKey()).toLong()).isZero());
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"new\"");
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"new\"");
        assertThat(probe.loads() - loadsBefore).isEqualTo(2);
    }

    @Test
    void shouldNotLetAReadAfterAWriteJoinALoadThatStartedBeforeIt() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        probe.put(id, "\"old\"");
        CompletableFuture<Void> loading = probe.hold();

        // Action: a read loads "old" and is held; the write of "new" completes; then another read starts.
        CompletableFuture<JsonDocument> before = probe.read(group, id).subscribeAsCompletionStage();
        loading.get();
        probe.put(id, "\"new\"");
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        CompletableFuture<JsonDocument> after = probe.read(group, id).subscribeAsCompletionStage();
        probe.release();

        // Expected: the read that started after the write sees it; the earlier one may see either.
        assertThat(after.get().text()).isEqualTo("\"new\"");
        assertThat(before.get().text()).isIn("\"old\"", "\"new\"");
    }

    @Test
    void shouldKeepTheNewestVersionWhenWriteThroughsFinishOutOfOrder() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, UUID.randomUUID().toString());
        JsonDocument v2 = new JsonDocument("\"v2\"".getBytes(StandardCharsets.UTF_8), 2);
        JsonDocument v1 = new JsonDocument("\"v1\"".getBytes(StandardCharsets.UTF_8), 1);

        // Action: the write of version 2 lands first, the slower write of version 1 after it.
        invalidator.begin("p:" + group).put(key, v2).apply().await().atMost(Duration.ofSeconds(5));
        invalidator.begin("p:" + group).put(key, v1).apply().await().atMost(Duration.ofSeconds(5));
        // Expected: version 2 stays.
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"v2\"");

        // Action: the entity is deleted, then a late write of version 3 arrives. Expected: still deleted.
        invalidator.begin("p:" + group).deleted(key, "gone").apply().await().atMost(Duration.ofSeconds(5));
        writeThrough(key, "3", 3);
        assertThat(redis.call("GET", key.redisKey()).toBytes()[1]).isEqualTo((byte) 'n');
    }

    @Test
    void shouldKeepANewerVersionOutOfReachOfAnOlderWriteStampedAfterAFlush() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, UUID.randomUUID().toString());
        // Arrange: version 7 is written through; then the scene cache is flushed (a user's flush, or on
        // Redis Cluster the flush that trusting a promoted replica makes).
        writeThrough(key, "\"v7\"", 7);
        invalidator.flush(CacheNames.SCENE).await().atMost(Duration.ofSeconds(5));

        // Action: the write of version 6, which committed earlier but whose cache step comes now (a retry,
        // a slow instance), is stamped with the new generation.
        writeThrough(key, "\"v6\"", 6);

        // Expected: it does not become the current entry: version 7 stays (of the old generation: a miss).
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"v7\"");
    }

    @Test
    void shouldAnswerAHitWithoutTheScriptExactlyWhenTheReadScriptWouldAnswerOne() throws Exception {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, UUID.randomUUID().toString());
        long cacheGen = coherence.cacheGeneration(CacheNames.SCENE);
        // A new group: its counter is started by the script; read again, a plain GET answers the same.
        long groupGen = redisTier.currentGeneration(key.groupGenerationKey()).await().atMost(Duration.ofSeconds(5));
        assertThat(redisTier.currentGeneration(key.groupGenerationKey()).await().atMost(Duration.ofSeconds(5)))
                .isEqualTo(groupGen);
        byte[] payload = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        byte[] current = dev.scenecache.cache.internal.EntryCodec.encode(false, payload, cacheGen, groupGen, 3, now,
                now + 3_600_000, 4096);
        String valid = new String(current, StandardCharsets.US_ASCII);
        Map<String, String> stored = new java.util.LinkedHashMap<>();
        stored.put("current", valid);
        stored.put("current negative", new String(dev.scenecache.cache.internal.EntryCodec.encode(true, payload, cacheGen,
                groupGen, 0, now, now + 3_600_000, 4096), StandardCharsets.US_ASCII));
        stored.put("expired", new String(dev.scenecache.cache.internal.EntryCodec.encode(false, payload, cacheGen,
                groupGen, 3, now - 3_600_000, now - 1, 4096), StandardCharsets.US_ASCII));
        stored.put("expired negative", new String(dev.scenecache.cache.internal.EntryCodec.encode(true, payload, cacheGen,
                groupGen, 0, now - 3_600_000, now - 1, 4096), StandardCharsets.US_ASCII));
        stored.put("older cache generation", valid.substring(0, 2) + dev.scenecache.cache.internal.EntryCodec.hex(cacheGen - 1)
                + valid.substring(18));
        stored.put("older group generation", valid.substring(0, 18) + dev.scenecache.cache.internal.EntryCodec.hex(groupGen - 1)
                + valid.substring(34));
        stored.put("version floor", new String(dev.scenecache.cache.internal.EntryCodec.floor(cacheGen, 3),
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
                    key.groupGenerationKey(), key.leaseKey(), dev.scenecache.cache.internal.EntryCodec.hex(cacheGen),
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
                    byte[] entry = dev.scenecache.cache.internal.EntryCodec.encode(false,
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
        List<CompletableFuture<dev.scenecache.cache.internal.RedisTier.ReadResult>> reads = new ArrayList<>();
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
    void shouldFailEveryReadOfABatchWithinTheRedisTimeoutWhenRedisDoesNotAnswer() throws Exception {
        long cacheGen = coherence.cacheGeneration(CacheNames.SCENE);
        List<CompletableFuture<dev.scenecache.cache.internal.RedisTier.ReadResult>> reads = new ArrayList<>();
        CompletableFuture<Long> started = new CompletableFuture<>();
        // Action: the Redis process stalls (SIGSTOP); 10 reads start together meanwhile.
        long pid = redis.freeze();
        vertx.getOrCreateContext().runOnContext(v -> {
            for (int i = 0; i < 10; i++) {
                CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + UUID.randomUUID(), UUID.randomUUID().toString());
                reads.add(redisTier.read(key, cacheGen, "lease").subscribeAsCompletionStage());
            }
            started.complete(System.nanoTime());
        });
        try {
            long start = started.get(30, java.util.concurrent.TimeUnit.SECONDS);
            // Expected: each fails as Redis unavailable at its timeout, not when Redis answers again: Redis
            // stays stalled until every read has failed, so the guard below only catches a read that waits.
            for (var read : reads) {
                assertThat(read).failsWithin(Duration.ofSeconds(20)).withThrowableThat()
                        .withCauseInstanceOf(dev.scenecache.cache.internal.RedisTier.RedisUnavailable.class);
            }
            // ...and none gave up before its 150 ms timeout.
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(140L);
        } finally {
            RedisProbe.thaw(pid);
        }
        redis.call("PING"); // the next test starts on an answering Redis
    }

    @Test
    void shouldKeepAnOlderWriteOutWhenTheNewerOneCouldNotReadItsGroupGeneration() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, UUID.randomUUID().toString());
        long generation = redisTier.currentGeneration(CacheKey.groupGenerationKey("p:" + group))
                .await().atMost(Duration.ofSeconds(5));
        // Action: version 2 is written by a writer whose group generation read failed (-1), then the slower
        // write of version 1 (which read it) arrives.
        coherence.write(List.of(twoTiers.writeThrough(key, new JsonDocument("\"v2\"".getBytes(StandardCharsets.UTF_8), 2), -1)))
                .await().atMost(Duration.ofSeconds(5));
        coherence.write(List.of(twoTiers.writeThrough(key, new JsonDocument("\"v1\"".getBytes(StandardCharsets.UTF_8), 1),
                generation))).await().atMost(Duration.ofSeconds(5));
        // Expected: a version floor of 2 holds the key (a deletion would have let version 1 in).
        byte[] held = redis.call("GET", key.redisKey()).toBytes();
        assertThat((char) held[1]).isEqualTo('f');
        assertThat(Long.parseLong(new String(held, 34, 16, StandardCharsets.US_ASCII), 16)).isEqualTo(2);
        // A read treats the floor as a miss and takes the fill lease; its fill replaces the floor.
        missThenFill(key, "lease-1", "\"v2\"", 2);
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"v2\"");
    }

    @Test
    void shouldNotWriteThroughIntoAGroupDeletedMeanwhile() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, UUID.randomUUID().toString());
        // Action: a write starts and commits (the group generation read first), the whole group is deleted,
        // then the write's cache operations run.
        var write = invalidator.begin("p:" + group);
        write.beforeCommit(Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(5));
        invalidator.invalidateGroup("p:" + group).await().atMost(Duration.ofSeconds(5));
        write.put(key, new JsonDocument("\"late\"".getBytes(StandardCharsets.UTF_8), 5)).apply()
                .await().atMost(Duration.ofSeconds(5));
        // Expected: no value stored for the deleted group: at most a version floor, which reads take for a miss.
        assertNoValueButAFloorOf(key, 5);
    }

    @Test
    void shouldKeepInTheWritersL1OnlyWhatTheWriteScriptStored() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, UUID.randomUUID().toString());
        writeThrough(key, "\"v2\"", 2);
        if (coherence.trustedMasters() == null) { // one Redis: the writer's L1 keeps what its script stored
            assertThat(((JsonDocument) l1.get(key).value()).version()).isEqualTo(2);
        }

        // Action: the slower write of version 1 arrives; the script keeps version 2 in Redis.
        writeThrough(key, "\"v1\"", 1);

        // Expected: L1 does not take version 1 either (it dropped version 2: the next read goes to Redis).
        assertThat(l1.get(key)).isNull();
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"v2\"");
    }

    @Test
    void shouldKeepAnOlderValueOutWhenItsGroupMovedOnWhileAWriteWasInFlight() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, UUID.randomUUID().toString());
        writeThrough(key, "\"v4\"", 4);
        // Arrange: the write of version 5 starts (its group generation known), then the group is invalidated
        // (the project lives on), then a read that loaded version 4 before the commit fills it, stamped with the
        // group's new generation, as it may: its lease was taken after the invalidation.
        var write = invalidator.begin("p:" + group);
        write.beforeCommit(Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(5));
        invalidator.invalidateGroup("p:" + group).await().atMost(Duration.ofSeconds(5));
        missThenFill(key, "lease-v4", "\"v4\"", 4);

        // Action: version 5's cache step runs, stamped with the generation from before the invalidation.
        write.put(key, new JsonDocument("\"v5\"".getBytes(StandardCharsets.UTF_8), 5)).apply()
                .await().atMost(Duration.ofSeconds(5));

        // Expected: version 4 is no longer current (it was left in place before, and served after version 5
        // was acknowledged): a floor of version 5 holds the key, which keeps any later write of version 4 out.
        assertNoValueButAFloorOf(key, 5);
        writeThrough(key, "\"v4\"", 4);
        assertNoValueButAFloorOf(key, 5);
    }

    @Test
    void shouldWriteThroughWithARememberedGroupGenerationAndLearnTheNewOneWhenItMovedOnUnheard() {
        UUID group = UUID.randomUUID();
        String name = "p:" + group;
        CacheKey key = CacheKey.of(CacheNames.SCENE, name, UUID.randomUUID().toString());
        writeThrough(key, "\"v1\"", 1);
        long remembered = coherence.groupGeneration(name).await().atMost(Duration.ofSeconds(5));

        // Arrange: another instance moves the group on, and this one does not hear of it (a lost message).
        long moved = redisTier.bumpGeneration(CacheKey.groupGenerationKey(name)).await().atMost(Duration.ofSeconds(5));
        assertThat(moved).isGreaterThan(remembered);
        // A write starts with the generation this instance remembers: no round trip to Redis for it.
        assertThat(coherence.groupGeneration(name).await().atMost(Duration.ofSeconds(5))).isEqualTo(remembered);

        // Action: version 2 is written with the remembered (older) generation.
        writeThrough(key, "\"v2\"", 2);
        // Expected: a floor, not a value under the old generation; and the script taught the new generation.
        assertNoValueButAFloorOf(key, 2);
        assertThat(coherence.groupGeneration(name).await().atMost(Duration.ofSeconds(5))).isEqualTo(moved);

        // Action: the next write. Expected: written through again, a hit for the next read.
        writeThrough(key, "\"v3\"", 3);
        var read = redisTier.read(key, coherence.cacheGeneration(CacheNames.SCENE), "lease-v3")
                .await().atMost(Duration.ofSeconds(5));
        assertThat(read.hit()).isTrue();
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"v3\"");
    }

    /** A write of {@code json} at {@code version} through the key's group, alone in its cache write. */
    private void writeThrough(CacheKey key, String json, long version) {
        invalidator.begin(key.group()).put(key, new JsonDocument(json.getBytes(StandardCharsets.UTF_8), version)).apply()
                .await().atMost(Duration.ofSeconds(5));
    }

    /**
     * What a reader does on a miss: the read script misses and takes the fill lease, then the fill stores
     * {@code json} of {@code version} under the group generation the read found; both checked.
     */
    private void missThenFill(CacheKey key, String lease, String json, long version) {
        var read = redisTier.read(key, coherence.cacheGeneration(CacheNames.SCENE), lease)
                .await().atMost(Duration.ofSeconds(5));
        assertThat(read.hit()).isFalse();
        byte[] filled = dev.scenecache.cache.internal.EntryCodec.encode(false, json.getBytes(StandardCharsets.UTF_8),
                coherence.cacheGeneration(CacheNames.SCENE), read.groupGeneration(), version, System.currentTimeMillis(),
                System.currentTimeMillis() + 60_000, Integer.MAX_VALUE);
        assertThat(redisTier.fill(key, lease, filled, 60_000).await().atMost(Duration.ofSeconds(5))).isTrue();
    }

    /** The key holds no value a read could answer, only a version floor of {@code version}. */
    private void assertNoValueButAFloorOf(CacheKey key, long version) {
        byte[] held = redis.call("GET", key.redisKey()).toBytes();
        assertThat((char) held[1]).isEqualTo('f');
        assertThat(Long.parseLong(new String(held, 34, 16, StandardCharsets.US_ASCII), 16)).isEqualTo(version);
        var read = redisTier.read(key, coherence.cacheGeneration(CacheNames.SCENE), "lease-probe")
                .await().atMost(Duration.ofSeconds(5));
        assertThat(read.hit()).isFalse();
        redis.call("DEL", key.leaseKey()); // the probe's lease
    }

    // --- freshness: TTL bounds both tiers, stale-if-error, refresh-ahead ------------------------------------

    /** Puts an entry for {@code key} in Redis as a fill would, with the given times (epoch ms). */
    private void putEntry(CacheKey key, String json, long version, long storedAt, long freshUntil) {
        long groupGen = redisTier.currentGeneration(key.groupGenerationKey()).await().atMost(Duration.ofSeconds(5));
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        // The payload of a JsonDocument: its version (8 bytes), then its JSON.
        byte[] payload = java.nio.ByteBuffer.allocate(8 + text.length).putLong(version).put(text).array();
        byte[] entry = dev.scenecache.cache.internal.EntryCodec.encode(false, payload,
                coherence.cacheGeneration(key.cache()), groupGen, version, storedAt, freshUntil, 4096);
        redis.call("SET", key.redisKey(), entry, "PX", "600000");
    }

    private dev.scenecache.cache.internal.CacheStats.Counters sceneCounters() {
        return stats.of(CacheNames.SCENE);
    }

    @Test
    void shouldNotServeAnEntryFromEitherTierPastItsTtl() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        long now = System.currentTimeMillis();
        // Arrange: an entry fresh for 1.5 s more (its TTL's last fifth starts after 1.2 s: no refresh yet).
        putEntry(key, "\"cached\"", 1, now, now + 1_500);
        probe.put(id, "\"fresh\"");
        int loads = probe.loads();
        long l1Hits = sceneCounters().l1Hits.sum();

        // Action: read twice at once. Expected: Redis, then L1.
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"cached\"");
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"cached\"");
        assertThat(sceneCounters().l1Hits.sum() - l1Hits).isEqualTo(1);
        // Action: read after its TTL (the Redis key lives on for the stale-if-error grace, L1 for 10 minutes).
        // Expected: neither tier answers it: the source does.
        Awaitility.await().pollDelay(Duration.ofMillis(1_600)).atMost(Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() > now + 1_500);
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"fresh\"");
        assertThat(probe.loads() - loads).isEqualTo(1);
    }

    @Test
    void shouldAnswerAnExpiredEntryOnlyWhileTheDatabaseIsUnavailable() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        long now = System.currentTimeMillis();
        // Arrange: an entry that expired a second ago, well within its grace (600 s).
        putEntry(key, "\"last\"", 1, now - 60_000, now - 1_000);
        long stale = sceneCounters().stale.sum();
        int loads = probe.loads();
        // Action: the source fails otherwise (a bug). Expected: that failure, not the expired value.
        probe.failWith(new IllegalStateException("a bug"));
        assertThatThrownBy(() -> probe.read(group, id).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class);

        // Action: the source fails as an unreachable database does. Expected: the expired value, counted stale.
        probe.failWith(DATABASE_DOWN);
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"last\"");
        assertThat(sceneCounters().stale.sum() - stale).isEqualTo(1);
        assertThat(probe.loads() - loads).isEqualTo(2);

        // Action: a write invalidates the key, then the database fails. Expected: never the old value.
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        probe.failWith(DATABASE_DOWN);
        assertDatabaseFailure(() -> probe.read(group, id).await().atMost(Duration.ofSeconds(5)));
        assertThat(sceneCounters().stale.sum() - stale).isEqualTo(1);
    }

    @Test
    void shouldNotAnswerAnExpiredValueThatAWriteInvalidatedWhileItsLoadWasFailing() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        long now = System.currentTimeMillis();
        // Arrange: "old" fresh for 1.2 s, read into L1; then both copies expire (within their grace).
        putEntry(key, "\"old\"", 1, now, now + 1_200);
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"old\"");
        Awaitility.await().pollDelay(Duration.ofMillis(1_300)).atMost(Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() > now + 1_200);
        long stale = sceneCounters().stale.sum();
        CompletableFuture<Void> loading = probe.hold();
        // Action: a read finds "old" expired in both tiers and goes to the source, which is held.
        CompletableFuture<JsonDocument> read = probe.read(group, id).subscribeAsCompletionStage();
        loading.get(10, java.util.concurrent.TimeUnit.SECONDS);
        // Action: meanwhile a write of the key is acknowledged; then the source fails as a database down.
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        probe.failWith(DATABASE_DOWN);
        probe.release();
        // Expected: not "old" (read before the write), whatever copy of it the read holds: the failure.
        assertDatabaseFailure(() -> read.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(sceneCounters().stale.sum() - stale).isZero();
    }

    @Test
    void shouldAnswerAnExpiredEntryWhenTheDatabaseDoesNotAnswer() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        long now = System.currentTimeMillis();
        putEntry(key, "\"last\"", 1, now - 60_000, now - 1_000);
        probe.put(id, "\"never\"");
        long stale = sceneCounters().stale.sum();
        probe.hold(); // the source reads, then never answers (a stalled database, a partition)
        // Expected: after cache.stale-if-error-timeout (5 s in the tests), the expired value (the 30 s only
        // guard a hang).
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(30)).text()).isEqualTo("\"last\"");
        assertThat(sceneCounters().stale.sum() - stale).isEqualTo(1);
    }

    @Test
    void shouldNotAnswerAnEntryPastItsGraceNorANotFound() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        CacheKey goneKey = CacheKey.of(CacheNames.SCENE, "p:" + group, gone.toString());
        long now = System.currentTimeMillis();
        // Arrange: a value expired longer ago than the grace (600 s), and a not-found that just expired.
        putEntry(key, "\"ancient\"", 1, now - 4_300_000, now - 601_000);
        long groupGen = redisTier.currentGeneration(goneKey.groupGenerationKey()).await().atMost(Duration.ofSeconds(5));
        redis.call("SET", goneKey.redisKey(), dev.scenecache.cache.internal.EntryCodec.encode(true,
                "gone".getBytes(StandardCharsets.UTF_8), coherence.cacheGeneration(CacheNames.SCENE), groupGen, 0,
                now - 30_000, now - 1_000, 4096), "PX", "600000");
        probe.failWith(DATABASE_DOWN);
        // Expected: the database's failure both times.
        assertDatabaseFailure(() -> probe.read(group, id).await().atMost(Duration.ofSeconds(5)));
        assertDatabaseFailure(() -> probe.read(group, gone).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void shouldRefreshAHotEntryAheadOfItsTtlOnceAndKeepAnsweringMeanwhile() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        long now = System.currentTimeMillis();
        // Arrange: an entry in the last fifth of its TTL (fresh for one more minute of an hour).
        putEntry(key, "\"v1\"", 1, now - 3_540_000, now + 60_000);
        probe.put(id, "\"v2\"");
        int loads = probe.loads();
        long landed = sceneCounters().refreshesLanded.sum();

        // Action: 20 reads. Expected: each answers at once with the entry; one reload in the background.
        for (int i = 0; i < 20; i++) {
            assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isIn("\"v1\"", "\"v2\"");
        }
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> sceneCounters().refreshesLanded.sum() - landed == 1);
        assertThat(probe.loads() - loads).isEqualTo(1);
        // Redis holds the reloaded value, fresh for a whole TTL again; both tiers answer it.
        String held = new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.US_ASCII);
        assertThat(held).endsWith("\"v2\"");
        assertThat(Long.parseLong(held.substring(66, 82), 16)).isGreaterThan(now + 3_000_000);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text().equals("\"v2\""));
        assertThat(probe.loads() - loads).isEqualTo(1);
    }

    @Test
    void shouldNeverLetARacingRefreshPutTheOldValueBack() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString());
        long now = System.currentTimeMillis();
        putEntry(key, "\"old\"", 1, now - 3_540_000, now + 60_000);
        probe.put(id, "\"old\"");
        long rejected = sceneCounters().refreshesRejected.sum();
        CompletableFuture<Void> loading = probe.hold();
        try {
            // Action: a hit in the refresh window starts a reload, which reads "old" from the source and is held.
            assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"old\"");
            loading.get(10, java.util.concurrent.TimeUnit.SECONDS);
            // Action: meanwhile the source changes and the write of version 2 completes.
            probe.put(id, "\"new\"");
            writeThrough(key, "\"new\"", 2);
        } finally {
            // Action: the held reload goes on and tries to fill with "old".
            probe.release();
        }
        // Expected: its fill is refused; both tiers answer "new".
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> sceneCounters().refreshesRejected.sum() - rejected == 1);
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"new\"");
        for (int i = 0; i < 3; i++) {
            assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"new\"");
        }
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
    void shouldNeverMakeAnOldEntryCurrentAgainWhenRedisLosesAGenerationCounter() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        String key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString()).redisKey();
        String generationKey = CacheKey.groupGenerationKey("p:" + group);
        probe.put(id, "\"old\"");
        probe.read(group, id).await().atMost(Duration.ofSeconds(5));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", key).toLong() == 1L);
        byte[] old = redis.call("GET", key).toBytes();

        // The group is invalidated (its generation moves on), the value changes, then Redis loses the
        // generation counter (eviction under allkeys-*, a restart without persistence) while a copy of
        // the old entry is still there.
        invalidator.invalidateGroup("p:" + group).await().atMost(Duration.ofSeconds(5));
        probe.put(id, "\"new\"");
        redis.call("SET", key, old);
        redis.call("DEL", generationKey);
        coherence.setEnabled(false); // clears L1, so the next read asks Redis
        coherence.setEnabled(true);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> coherence.l1Usable() && coherence.l2Usable());

        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"new\"");
    }

    @Test
    void shouldCompressLargeValuesInRedis() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        String big = "\"" + "scene code ".repeat(2000) + "\"";
        probe.put(id, big);
        probe.read(group, id).await().atMost(Duration.ofSeconds(5));
        String key = CacheKey.of(CacheNames.SCENE, "p:" + group, id.toString()).redisKey();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", key).toLong() == 1L);
        byte[] stored = redis.call("GET", key).toBytes();
        assertThat((char) stored[1]).isEqualTo('z');
        assertThat(stored.length).isLessThan(big.length() / 4);
        coherence.setEnabled(false);
        coherence.setEnabled(true);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> coherence.l2Usable());
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
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> coherence.l2Usable());
        given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(200)
                .body("name", equalTo("Changed while off"));
    }
}
