package dev.scenecache.cache.coherence;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.cache.redis.WriteOp;
import dev.scenecache.cache.redis.Written;

/**
 * The writer's own L1 keeps the values its write stored in Redis, so that its next reads of them are L1
 * hits rather than Redis reads (one Redis only). A value enters only when all of these hold:
 * <ul>
 * <li>the write script stored it ({@link Written#stored}): no newer version was in Redis, and its
 * group generation was current. So no write of a newer version had run its script before this one, and
 * every later one publishes its invalidation after this write's message;</li>
 * <li>this instance's own copy of the message came back ({@link Acknowledgements}): the channel delivers
 * in order, so every invalidation published after it is applied to L1 after {@link #ownCopyApplied}, and
 * the L1 stamps read there vouch for the keys from then on ({@link L1Tier#putIfUnchanged} refuses the
 * value if any invalidation of its stripe of keys was applied since);</li>
 * <li>the cache generation is still the one the value was stamped with (no flush since), and L1 is usable.</li>
 * </ul>
 */
final class L1WriteThrough {
    private final List<WriteOp> ops;
    private final L1Tier l1;
    private final BooleanSupplier l1Usable;
    private final ToLongFunction<String> cacheGeneration;
    private final long[] stamps;
    private volatile boolean stamped;
    private volatile boolean[] stored;

    L1WriteThrough(List<WriteOp> ops, L1Tier l1, BooleanSupplier l1Usable,
            ToLongFunction<String> cacheGeneration) {
        this.ops = ops;
        this.l1 = l1;
        this.l1Usable = l1Usable;
        this.cacheGeneration = cacheGeneration;
        this.stamps = new long[ops.size()];
    }

    /** What the write script stored, operation by operation. */
    void stored(boolean[] stored) {
        this.stored = stored;
    }

    /** On the subscription's thread, right after the own copy's pass over L1. */
    void ownCopyApplied() {
        for (int i = 0; i < stamps.length; i++) {
            stamps[i] = l1.stamp(ops.get(i).key());
        }
        stamped = true;
    }

    /** Once the write's acknowledgements are complete. */
    void apply() {
        boolean[] landed = stored;
        if (!stamped || landed == null || !l1Usable.getAsBoolean()) {
            return;
        }
        for (int i = 0; i < stamps.length && i < landed.length; i++) {
            WriteOp op = ops.get(i);
            if (landed[i] && op.l1() != null
                    && EntryCodec.cacheGeneration(op.entry()) == cacheGeneration.applyAsLong(op.key().cache())) {
                l1.putIfUnchanged(op.key(), op.l1(), stamps[i]);
            }
        }
    }
}
