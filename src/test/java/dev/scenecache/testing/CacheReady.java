package dev.scenecache.testing;

import java.time.Duration;

import org.awaitility.Awaitility;

import dev.scenecache.cache.coherence.Coherence;

/**
 * Waits until the service under test may use its cache, as a test that counts hits must before it starts:
 * the invalidation subscription confirmed (L1 usable) and the cache generations read (L2 usable). The
 * bound only guards against a hang.
 */
public final class CacheReady {

    private static final Duration AT_MOST = Duration.ofSeconds(20);

    private CacheReady() {
    }

    /** Both tiers usable. */
    public static void await(Coherence coherence) {
        Awaitility.await("both cache tiers usable").atMost(AT_MOST).until(() -> coherence.l1Usable() && coherence.l2Usable());
    }

    /** L2 usable (L1 may still wait for its heartbeat, or be switched off). */
    public static void awaitL2(Coherence coherence) {
        Awaitility.await("L2 usable").atMost(AT_MOST).until(coherence::l2Usable);
    }
}
