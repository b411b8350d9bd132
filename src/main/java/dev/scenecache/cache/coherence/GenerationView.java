package dev.scenecache.cache.coherence;

import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's view of each cache's generation counter ({@code sc:{gen}:<cache>}, all in one hash slot): entries stamped
 * with an older cache generation are misses. The view only moves forward: it takes the highest value
 * seen, from Redis at (re)subscription, from this instance's own flushes and from other instances'
 * flush messages.
 */
final class GenerationView {

    private final ConcurrentHashMap<String, Long> generations = new ConcurrentHashMap<>();

    long get(String cache) {
        return generations.getOrDefault(cache, 0L);
    }

    void advance(String cache, long generation) {
        generations.merge(cache, generation, Math::max);
    }
}
