package dev.scenecache.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Api;
import dev.scenecache.testing.CacheReady;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Project deletes and cache flushes are O(1), never a scan, and a generation once passed is never current
 * again, even when Redis loses its counter.
 */
@QuarkusTest
class GenerationsTest extends CacheTestBase {

    @Test
    void shouldDropTheWholeProjectInOneStepOnDelete() {
        // A project whose 30 scenes are all cached in both tiers: dropping them one by one would take 30 keys.
        String project = Api.createProject("Gone");
        List<String> scenes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            scenes.add(Api.createScene(project, "With it " + i));
        }
        get("/projects/{p}", project);
        get("/projects/{p}/scenes", project);
        scenes.forEach(scene -> get("/projects/{p}/scenes/{s}", project, scene));
        long generation = redis.call("GET", "sc:{p:" + project + "}:g").toLong();
        long scansBefore = redis.callsOf("scan", "keys");
        long deletionsBefore = redis.callsOf("del", "unlink");
        long scriptsBefore = redis.callsOf("eval", "evalsha");

        given().delete("/projects/{p}", project).then().statusCode(204);

        // One generation counter moved on; the entries are unreachable without being scanned or deleted.
        assertThat(redis.call("GET", "sc:{p:" + project + "}:g").toLong()).isGreaterThan(generation);
        assertThat(redis.callsOf("scan", "keys")).as("SCAN or KEYS").isEqualTo(scansBefore);
        assertThat(redis.callsOf("del", "unlink")).as("deletions").isEqualTo(deletionsBefore);
        assertThat(redis.callsOf("eval", "evalsha") - scriptsBefore).as("scripts for 32 cached entries").isLessThan(5);
        given().get("/projects/{p}", project).then().statusCode(404);
        given().get("/projects/{p}/scenes", project).then().statusCode(404);
        scenes.forEach(scene -> given().get("/projects/{p}/scenes/{s}", project, scene).then().statusCode(404));
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
    void shouldNeverMakeAnOldEntryCurrentAgainWhenRedisLosesAGenerationCounter() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        String key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString()).redisKey();
        String generationKey = CacheKey.groupGenerationKey(CacheNames.projectGroup(group));
        probe.put(id, "\"old\"");
        probe.read(group, id).await().atMost(Duration.ofSeconds(5));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> redis.call("EXISTS", key).toLong() == 1L);
        byte[] old = redis.call("GET", key).toBytes();

        // The group is invalidated (its generation moves on), the value changes, then Redis loses the
        // generation counter (eviction under allkeys-*, a restart without persistence) while a copy of
        // the old entry is still there.
        invalidator.invalidateGroup(CacheNames.projectGroup(group)).await().atMost(Duration.ofSeconds(5));
        probe.put(id, "\"new\"");
        redis.call("SET", key, old);
        redis.call("DEL", generationKey);
        coherence.setEnabled(false); // clears L1, so the next read asks Redis
        coherence.setEnabled(true);
        CacheReady.await(coherence);

        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"new\"");
    }
}
