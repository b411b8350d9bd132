package dev.scenecache.cache.coherence;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * The fences this instance saw: times every cache generation moved on because Redis' data may be older
 * than what instances acknowledged, by cause, and the last one with its reason (for the health and
 * {@code cache_redis_fences_total{cause}}).
 */
public final class Fences {

    private static final Logger LOG = Logger.getLogger(Fences.class);

    /** Why the data could not be trusted. */
    public enum Cause {
        /** Another server process behind the same address: a restart, from a snapshot, an AOF or nothing. */
        RESTART,
        /** A replica of the trusted server's history, promoted (behind one address, or by Sentinel). */
        FAILOVER,
        /** The same process with another replication history (it was made a replica and promoted again). */
        REPLICATION,
        /**
         * At this instance's start, data written by another server than the one serving it (a restored snapshot, a promoted
         * replica).
         */
        RESTORED,
        /** Redis Cluster: a slot's master changed. */
        TOPOLOGY,
        /** An instance went silent while it held invalidations that Redis had not taken (nobody will replay them). */
        LOST_INVALIDATIONS;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The last fence: its cause, when (epoch ms), and what was seen. */
    public record Last(Cause cause, long atMillis, String detail) {
    }

    private final Map<Cause, AtomicLong> counts = new EnumMap<>(Cause.class);
    private volatile Last last;

    Fences() {
        for (Cause cause : Cause.values()) {
            counts.put(cause, new AtomicLong());
        }
    }

    void record(Cause cause, String detail) {
        counts.get(cause).incrementAndGet();
        last = new Last(cause, System.currentTimeMillis(), detail);
        LOG.warnf("Redis data fenced (%s): %s; every cache generation moved on, L2 refills from the source",
                cause.tag(), detail);
    }

    public long count(Cause cause) {
        return counts.get(cause).get();
    }

    /** The last fence, or null when there was none. */
    public Last last() {
        return last;
    }
}
