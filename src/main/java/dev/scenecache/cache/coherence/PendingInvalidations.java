package dev.scenecache.cache.coherence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.RedisTier;
import io.smallrye.mutiny.Uni;

/**
 * The invalidations that Redis could not take (down, circuit open, caching switched off), kept for
 * replay. While any wait, this instance does not read L2 ({@link #waiting()}): Redis may still hold
 * what they invalidate. At most {@value #MAX_PENDING} are kept; past that bound every cache is flushed
 * at the replay instead. A replay applies them in Redis, then tells every instance to clear its L1;
 * one replay runs at a time.
 */
final class PendingInvalidations {

    private static final int MAX_PENDING = 10_000;
    private static final Logger LOG = Logger.getLogger(PendingInvalidations.class);

    private final RedisTier tier;
    private final L1Tier l1;
    private final GenerationView generations;
    private final Acknowledgements acks;
    /** Guarded by itself, as are {@link #overflow} and {@link #replaying}. */
    private final Set<String> pending = new LinkedHashSet<>();
    private final AtomicLong missed = new AtomicLong();
    private volatile boolean dirty;
    private volatile boolean overflow;
    private boolean replaying;

    PendingInvalidations(RedisTier tier, L1Tier l1, GenerationView generations, Acknowledgements acks) {
        this.tier = tier;
        this.l1 = l1;
        this.generations = generations;
        this.acks = acks;
    }

    /** Invalidations of ours wait for Redis: L2 must not be read. */
    boolean waiting() {
        return dirty;
    }

    int size() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Invalidations that Redis could not take when they were made, since start. */
    long missed() {
        return missed.get();
    }

    /**
     * Keeps invalidations Redis could not take for replay, stops reading L2 until then, then applies
     * them to this L1 once more. The second pass matters: a read that started after the write's first
     * local pass may have taken the old value from Redis (or from a script that timed out here but
     * still runs there), and would otherwise put it in L1 with nothing left to remove it; its stamp now
     * predates this pass, so L1 refuses it, and reads that start after it see {@link #waiting()} and
     * go to the source.
     */
    Uni<Void> remember(List<String> ops) {
        missed.addAndGet(ops.size());
        synchronized (pending) {
            for (String op : ops) {
                if (pending.size() >= MAX_PENDING) {
                    overflow = true;
                    pending.clear();
                    break;
                }
                pending.add(op);
            }
            dirty = true;
        }
        InvalidationOps.applyToL1(ops, l1, generations);
        return Uni.createFrom().voidItem();
    }

    /**
     * Applies to Redis the invalidations of another instance's write that its writer could not apply (before
     * this instance acknowledges them). Applied: L1 drops the keys a second time, so that a read that took the
     * old value from Redis between the first pass and the deletion cannot keep it. Not applied (the key's master
     * refused or did not answer): they are kept here for replay, and this instance reads no L2 until then, as the
     * writer does; acknowledging and reading on would serve the old entry once the master answers again.
     */
    Uni<Void> applyForTheWriter(List<String> ops) {
        return InvalidationOps.applyAllToRedis(ops, tier, generations)
                .invoke(() -> InvalidationOps.applyToL1(ops, l1, generations))
                .onFailure().recoverWithUni(failure -> {
                    LOG.debugf("Invalidations of another instance not applied to Redis [%s]; kept for replay: %s",
                            failure.toString(), ops);
                    return remember(ops);
                });
    }

    /**
     * Invalidations that nobody can replay key by key any more (their holder went silent): every cache is
     * flushed at the next replay, and L2 is not read until then.
     */
    void flushAllAtReplay() {
        synchronized (pending) {
            overflow = true;
            pending.clear();
            dirty = true;
        }
        l1.clear();
    }

    /** Applies the invalidations waiting for Redis, then clears every L1. One replay at a time. */
    Uni<Void> replay() {
        List<String> ops;
        boolean flushAll;
        synchronized (pending) {
            if (!dirty || replaying) {
                return Uni.createFrom().voidItem();
            }
            replaying = true;
            ops = new ArrayList<>(pending);
            flushAll = overflow;
        }
        Uni<Void> replay = Uni.createFrom().voidItem();
        if (flushAll) {
            for (String cache : CacheNames.ALL) {
                replay = replay.chain(() -> tier.bumpGeneration(CacheKey.cacheGenerationKey(cache))
                        .invoke(gen -> generations.advance(cache, gen)).replaceWithVoid());
            }
        }
        for (String op : ops) {
            replay = replay.chain(() -> InvalidationOps.applyToRedis(op, tier, generations));
        }
        return replay
                .chain(() -> acks.broadcast(List.of(InvalidationOps.clearAll())))
                .invoke(() -> {
                    synchronized (pending) {
                        ops.forEach(pending::remove);
                        if (flushAll) {
                            overflow = false;
                        }
                        dirty = !pending.isEmpty() || overflow;
                    }
                    l1.clear();
                    LOG.infof("Replayed [%s] missed cache invalidations", ops.size());
                })
                .eventually(() -> {
                    synchronized (pending) {
                        replaying = false;
                    }
                });
    }
}
