package dev.scenecache.cache.coherence;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The instances out there, as their heartbeats on {@value Acknowledgements#HEARTBEATS} tell: each publishes
 * {@code <instance>\t<holding>} every {@code cache.coherence.heartbeat}, where {@code holding} is 1 while it
 * keeps invalidations that Redis did not take (a write whose cache step failed: until its replay, Redis may
 * hold what the write replaced). Heartbeats of older versions carry the id alone (holding nothing).
 *
 * <p>
 * What it answers, and why:
 * <ul>
 * <li><b>Who is live</b> (heard within the live window): whom a writer waits for ({@link Acknowledgements}).</li>
 * <li><b>Whether L2 may be read</b> ({@link #othersCaughtUp}): only when every live instance has been heard since
 * this instance's subscription was made, and none of them holds invalidations. A writer whose cache step failed
 * broadcasts its keys for every receiver to apply to Redis, but an instance that did not hear the channel then (its
 * subscription was lost or its node stalled) never got them: it must not read Redis until the writer has replayed
 * them, which its heartbeat tells.</li>
 * <li><b>Who went silent holding invalidations</b> ({@link #sweep}): what it kept is lost with it, and Redis
 * may still hold the old entries, so every cache is flushed ({@code onLost}).</li>
 * </ul>
 * Bounded: instances silent for 60 live windows are forgotten.
 */
final class Membership {

    private record Member(long heardAt, boolean holding) {
    }

    private final String self;
    private final long liveNanos;
    private final ConcurrentHashMap<String, Member> members = new ConcurrentHashMap<>();
    private volatile Consumer<String> onLost = id -> {
    };

    Membership(String self, long liveNanos) {
        this.self = self;
        this.liveNanos = liveNanos;
    }

    /** The heartbeat of {@code instance}. */
    static String heartbeat(String instance, boolean holding) {
        return instance + "\t" + (holding ? "1" : "0");
    }

    /** Who sent {@code heartbeat}. */
    static String sender(String heartbeat) {
        int tab = heartbeat.indexOf('\t');
        return tab < 0 ? heartbeat : heartbeat.substring(0, tab);
    }

    /** What to do when an instance went silent while it held invalidations (called on the sweeping thread). */
    void onLostInvalidations(Consumer<String> onLost) {
        this.onLost = onLost;
    }

    void heard(String heartbeat) {
        int tab = heartbeat.indexOf('\t');
        boolean holding = tab >= 0 && !heartbeat.substring(tab + 1).equals("0");
        members.put(sender(heartbeat), new Member(System.nanoTime(), holding));
    }

    /** The instances heard within the live window, this one included when it hears itself. */
    Set<String> live() {
        long now = System.nanoTime();
        Set<String> live = new HashSet<>();
        members.forEach((id, m) -> {
            if (now - m.heardAt() < liveNanos) {
                live.add(id);
            }
        });
        return live;
    }

    /** Every other live instance was heard at or after {@code since} (System.nanoTime) and holds no invalidations. */
    boolean othersCaughtUp(long since) {
        long now = System.nanoTime();
        for (var entry : members.entrySet()) {
            Member m = entry.getValue();
            if (!entry.getKey().equals(self) && now - m.heardAt() < liveNanos && (m.holding() || m.heardAt() - since < 0)) {
                return false;
            }
        }
        return true;
    }

    /** Reports the instances that went silent holding invalidations (once each), and forgets long-silent ones. */
    void sweep() {
        long now = System.nanoTime();
        members.forEach((id, m) -> {
            if (m.holding() && now - m.heardAt() >= liveNanos && members.replace(id, m, new Member(m.heardAt(), false))) {
                onLost.accept(id);
            }
        });
        members.entrySet().removeIf(e -> now - e.getValue().heardAt() > 60 * liveNanos);
    }
}
