package dev.scenecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.RedisProbe;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One Redis that stalls (SIGSTOP) under a batch of reads: every read of the batch fails within the Redis
 * timeout, to the source. Not repeated on the cluster (the Cluster*Test classes): stalling its masters long
 * enough to be sure would make the cluster fail them over; a stalled node there is
 * {@code ClusterFailoverIT.shouldAnswerEveryRequestWhileAMasterIsStalledAndRecoverItsShards}'s.
 */
@QuarkusTest
class ReadBatchStallTest extends CacheTestBase {

    @Test
    void shouldFailEveryReadOfABatchWithinTheRedisTimeoutWhenRedisDoesNotAnswer() throws Exception {
        long cacheGen = coherence.cacheGeneration(CacheNames.SCENE);
        List<CompletableFuture<dev.scenecache.cache.redis.RedisTier.ReadResult>> reads = new ArrayList<>();
        CompletableFuture<Long> started = new CompletableFuture<>();
        // Action: the Redis process stalls (SIGSTOP); 10 reads start together meanwhile.
        long pid = redis.freeze();
        vertx.getOrCreateContext().runOnContext(v -> {
            for (int i = 0; i < 10; i++) {
                CacheKey key = CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(UUID.randomUUID()),
                        UUID.randomUUID().toString());
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
                        .withCauseInstanceOf(dev.scenecache.cache.redis.RedisUnavailable.class);
            }
            // ...and none gave up before its 150 ms timeout.
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(140L);
        } finally {
            RedisProbe.thaw(pid);
        }
        redis.call("PING"); // the next test starts on an answering Redis
    }
}
