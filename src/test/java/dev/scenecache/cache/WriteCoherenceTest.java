package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.coherence.Fences;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.testing.Api;
import dev.scenecache.testing.Sql;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;

/**
 * After a write answered 2xx, no instance serves the old value: fresh values after every kind of write, no
 * racing fill or joined load putting the old value back, write-throughs that finish out of order, in a
 * group invalidated meanwhile or with an unknown group generation never leaving an older value current,
 * and the writer's L1 keeping only what the write script stored.
 */
@QuarkusTest
class WriteCoherenceTest extends CacheTestBase {

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
    void shouldNeverLetARacingFillPutTheOldValueBack() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
        int loadsBefore = probe.loads();
        probe.put(id, "\"old\"");
        // Action: a read misses, takes the fill lease, reads "old" from the source and is held there.
        CacheProbe.HeldRead<JsonDocument> racing = probe.startHeld(() -> probe.read(group, id));
        // Action: meanwhile the source changes and the write's invalidation completes.
        probe.put(id, "\"new\"");
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        // Action: the held read goes on and tries to fill both tiers with "old".
        assertThat(racing.release().get(10, TimeUnit.SECONDS).text()).isEqualTo("\"old\"");

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
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
        probe.put(id, "\"old\"");
        // Action: a read loads "old" and is held; the write of "new" completes; then another read starts.
        CacheProbe.HeldRead<JsonDocument> held = probe.startHeld(() -> probe.read(group, id));
        probe.put(id, "\"new\"");
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        CompletableFuture<JsonDocument> after = probe.read(group, id).subscribeAsCompletionStage();
        CompletableFuture<JsonDocument> before = held.release();

        // Expected: the read that started after the write sees it; the earlier one may see either.
        assertThat(after.get().text()).isEqualTo("\"new\"");
        assertThat(before.get().text()).isIn("\"old\"", "\"new\"");
    }

    @Test
    void shouldKeepTheNewestVersionWhenWriteThroughsFinishOutOfOrder() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), UUID.randomUUID().toString());
        JsonDocument v2 = new JsonDocument("\"v2\"".getBytes(StandardCharsets.UTF_8), 2);
        JsonDocument v1 = new JsonDocument("\"v1\"".getBytes(StandardCharsets.UTF_8), 1);

        // Action: the write of version 2 lands first, the slower write of version 1 after it.
        invalidator.begin(CacheNames.projectGroup(group)).put(key, v2).apply().await().atMost(Duration.ofSeconds(5));
        invalidator.begin(CacheNames.projectGroup(group)).put(key, v1).apply().await().atMost(Duration.ofSeconds(5));
        // Expected: version 2 stays.
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"v2\"");

        // Action: the entity is deleted, then a late write of version 3 arrives. Expected: still deleted.
        invalidator.begin(CacheNames.projectGroup(group)).deleted(key, "gone").apply().await().atMost(Duration.ofSeconds(5));
        writeThrough(key, "3", 3);
        assertThat(redis.call("GET", key.redisKey()).toBytes()[1]).isEqualTo((byte) 'n');
    }

    @Test
    void shouldKeepANewerVersionOutOfReachOfAnOlderWriteStampedAfterAFlush() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), UUID.randomUUID().toString());
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
    void shouldKeepAnOlderWriteOutWhenTheNewerOneCouldNotReadItsGroupGeneration() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), UUID.randomUUID().toString());
        long generation = redisTier.currentGeneration(CacheKey.groupGenerationKey(CacheNames.projectGroup(group)))
                .await().atMost(Duration.ofSeconds(5));
        // Action: version 2 is written by a writer whose group generation read failed (-1), then the slower
        // write of version 1 (which read it) arrives.
        coherence.write(List.of(writes.writeThrough(key, new JsonDocument("\"v2\"".getBytes(StandardCharsets.UTF_8), 2), -1)))
                .await().atMost(Duration.ofSeconds(5));
        coherence.write(List.of(writes.writeThrough(key, new JsonDocument("\"v1\"".getBytes(StandardCharsets.UTF_8), 1),
                generation))).await().atMost(Duration.ofSeconds(5));
        // Expected: a version floor of 2 holds the key (a deletion would have let version 1 in).
        assertThat(EntryCodec.floorVersion(redis.call("GET", key.redisKey()).toBytes())).isEqualTo(2);
        // A read treats the floor as a miss and takes the fill lease; its fill replaces the floor.
        missThenFill(key, "lease-1", "\"v2\"", 2);
        assertThat(new String(redis.call("GET", key.redisKey()).toBytes(), StandardCharsets.UTF_8)).endsWith("\"v2\"");
    }

    @Test
    void shouldNotWriteThroughIntoAGroupDeletedMeanwhile() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), UUID.randomUUID().toString());
        // Action: a write starts and commits (the group generation read first), the whole group is deleted,
        // then the write's cache operations run.
        var write = invalidator.begin(CacheNames.projectGroup(group));
        write.beforeCommit(Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(5));
        invalidator.invalidateGroup(CacheNames.projectGroup(group)).await().atMost(Duration.ofSeconds(5));
        write.put(key, new JsonDocument("\"late\"".getBytes(StandardCharsets.UTF_8), 5)).apply()
                .await().atMost(Duration.ofSeconds(5));
        // Expected: no value stored for the deleted group: at most a version floor, which reads take for a miss.
        assertNoValueButAFloorOf(key, 5);
    }

    @Test
    void shouldKeepInTheWritersL1OnlyWhatTheWriteScriptStored() {
        UUID group = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), UUID.randomUUID().toString());
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
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), UUID.randomUUID().toString());
        writeThrough(key, "\"v4\"", 4);
        // Arrange: the write of version 5 starts (its group generation known), then the group is invalidated
        // (the project lives on), then a read that loaded version 4 before the commit fills it, stamped with the
        // group's new generation, as it may: its lease was taken after the invalidation.
        var write = invalidator.begin(CacheNames.projectGroup(group));
        write.beforeCommit(Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(5));
        invalidator.invalidateGroup(CacheNames.projectGroup(group)).await().atMost(Duration.ofSeconds(5));
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
        String name = CacheNames.projectGroup(group);
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

    /**
     * Another instance wrote a scene but Redis did not take its cache step, so it broadcast the keys for every
     * receiver to apply, and holds them for its own replay; this instance's subscription was lost at that moment
     * and never heard the broadcast. It must read no L2 while the other says it holds invalidations, and when
     * the other goes silent still holding them (killed before its replay), it flushes. On the code before, the
     * first read after this instance subscribed again answered the old name from L2.
     */
    @Test
    void shouldReadNoL2WhileAnInstanceHoldsInvalidationsThatThisOneMayNotHaveHeard() throws Exception {
        String project = Api.createProject("Unheard");
        String scene = Api.createScene(project, "Before");
        String path = "/projects/" + project + "/scenes/" + scene;
        get(path);
        assertThat(get(path).header("X-Cache-Tier")).isEqualTo("L1");
        long lost = coherence.fences().count(Fences.Cause.LOST_INVALIDATIONS);

        // Arrange: the other instance's write (the row changes in PostgreSQL); from now on its heartbeats say it
        // holds invalidations.
        Sql.execute("update scene set name = 'After', version = version + 1 where id = '" + scene + "'");
        AtomicBoolean otherAlive = new AtomicBoolean(true);
        CompletableFuture<Void> heartbeats = CompletableFuture.runAsync(() -> {
            while (otherAlive.get()) {
                redis.call("PUBLISH", "sc:hb", "other\t1");
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        });
        try {
            // Action: this instance's subscription is cut, and the broadcast is published while it has none.
            redis.killSubscriptions();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !coherence.subscribed());
            redis.call("PUBLISH", "sc:inv", "other\t1\tr\nk\tscene\tp:" + project + "\t" + scene);
            assertThat(coherence.subscribed()).as("the broadcast went out while this instance was not subscribed").isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> coherence.heartbeatFresh());

            // Expected: subscribed again, it reads the new name from PostgreSQL, not the old one from Redis.
            for (int i = 0; i < 20; i++) {
                Response read = get(path);
                assertThat(read.<String> path("name")).as("%s %s", read.header("X-Cache"), read.header("X-Cache-Tier"))
                        .isEqualTo("After");
                assertThat(read.header("X-Cache")).isNotEqualTo("HIT");
            }
        } finally {
            // Action: the other instance dies holding its invalidations.
            otherAlive.set(false);
            heartbeats.get(10, TimeUnit.SECONDS);
        }
        // Expected: this instance flushes every cache, then caches the new name.
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> coherence.fences().count(Fences.Cause.LOST_INVALIDATIONS) > lost);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int hits = 0;
        while (hits < 3) {
            assertThat(System.nanoTime()).as("caching the scene again").isLessThan(deadline);
            Response read = get(path);
            assertThat(read.<String> path("name")).isEqualTo("After");
            hits += "HIT".equals(read.header("X-Cache")) ? 1 : 0;
        }
    }
}
