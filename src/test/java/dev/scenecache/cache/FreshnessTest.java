package dev.scenecache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.scenecache.cache.redis.DocumentCodec;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.testing.Api;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A TTL bounds both tiers (jittered); an expired entry is answered only while the database is unavailable
 * and never one a write invalidated, a not-found or past its grace (stale-if-error); a hot entry is
 * reloaded ahead of its TTL once, and that reload never puts an older value back (refresh-ahead).
 */
@QuarkusTest
class FreshnessTest extends CacheTestBase {

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
            EntryCodec.Decoded entry = EntryCodec.decode(redis.call("GET", key).toBytes(), Integer.MAX_VALUE);
            long ttl = entry.freshUntilMillis() - entry.storedAtMillis();
            ttls.add(ttl);
            // The Redis key outlives the entry's freshness by the stale-if-error grace (600 s by default).
            assertThat(pttl).isBetween(ttl + 600_000 - 5_000, ttl + 600_000);
        }
        assertThat(ttls).allSatisfy(t -> assertThat(t).isBetween(3_240_000L, 3_960_000L));
        assertThat(ttls.stream().distinct().count()).isGreaterThan(10);
    }

    @Test
    void shouldNotServeAnEntryFromEitherTierPastItsTtl() {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
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
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
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
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
        long now = System.currentTimeMillis();
        // Arrange: "old" fresh for 1.2 s, read into L1; then both copies expire (within their grace).
        putEntry(key, "\"old\"", 1, now, now + 1_200);
        assertThat(probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text()).isEqualTo("\"old\"");
        Awaitility.await().pollDelay(Duration.ofMillis(1_300)).atMost(Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() > now + 1_200);
        long stale = sceneCounters().stale.sum();
        // Action: a read finds "old" expired in both tiers and goes to the source, which is held.
        CacheProbe.HeldRead<JsonDocument> held = probe.startHeld(() -> probe.read(group, id));
        // Action: meanwhile a write of the key is acknowledged; then the source fails as a database down.
        invalidator.invalidate(key).await().atMost(Duration.ofSeconds(5));
        probe.failWith(DATABASE_DOWN);
        CompletableFuture<JsonDocument> read = held.release();
        // Expected: not "old" (read before the write), whatever copy of it the read holds: the failure.
        assertDatabaseFailure(() -> read.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(sceneCounters().stale.sum() - stale).isZero();
    }

    @Test
    void shouldAnswerAnExpiredEntryWhenTheDatabaseDoesNotAnswer() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
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
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
        CacheKey goneKey = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), gone.toString());
        long now = System.currentTimeMillis();
        // Arrange: a value expired longer ago than the grace (600 s), and a not-found that just expired.
        putEntry(key, "\"ancient\"", 1, now - 4_300_000, now - 601_000);
        long groupGen = redisTier.currentGeneration(goneKey.groupGenerationKey()).await().atMost(Duration.ofSeconds(5));
        redis.call("SET", goneKey.redisKey(), dev.scenecache.cache.redis.EntryCodec.encode(true,
                "gone".getBytes(StandardCharsets.UTF_8), coherence.cacheGeneration(CacheNames.SCENE), groupGen, 0,
                now - 30_000, now - 1_000, 4096), "PX", "600000");
        probe.failWith(DATABASE_DOWN);
        // Expected: the database's failure both times.
        assertDatabaseFailure(() -> probe.read(group, id).await().atMost(Duration.ofSeconds(5)));
        assertDatabaseFailure(() -> probe.read(group, gone).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void shouldRefreshAHotEntryAheadOfItsTtlOnceAndKeepAnsweringMeanwhile() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
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
        EntryCodec.Decoded held = EntryCodec.decode(redis.call("GET", key.redisKey()).toBytes(), Integer.MAX_VALUE);
        assertThat(((JsonDocument) DocumentCodec.INSTANCE.decode(held.payload())).text()).isEqualTo("\"v2\"");
        assertThat(held.freshUntilMillis()).isGreaterThan(now + 3_000_000);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> probe.read(group, id).await().atMost(Duration.ofSeconds(5)).text().equals("\"v2\""));
        assertThat(probe.loads() - loads).isEqualTo(1);
    }

    @Test
    void shouldNeverLetARacingRefreshPutTheOldValueBack() throws Exception {
        UUID group = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(group), id.toString());
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
}
