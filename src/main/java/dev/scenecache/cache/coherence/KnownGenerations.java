package dev.scenecache.cache.coherence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group to a generation it had when this instance last read its counter or ran a write script in it: a
 * lower bound of its generation now, since generations only grow (see {@link Coherence#groupGeneration}).
 * Bounded: beyond {@link #MAX} groups the map starts again empty, and the groups written lately are learnt
 * again, one {@code GET} each.
 */
final class KnownGenerations {

    static final int MAX = 10_000;

    private final Map<String, Long> byGroup = new ConcurrentHashMap<>();

    Long get(String group) {
        return byGroup.get(group);
    }

    void know(String group, long generation) {
        if (byGroup.size() >= MAX) {
            byGroup.clear();
        }
        byGroup.put(group, generation);
    }

    void forget(String group) {
        byGroup.remove(group);
    }

    void clear() {
        byGroup.clear();
    }
}
