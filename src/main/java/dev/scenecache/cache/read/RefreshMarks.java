package dev.scenecache.cache.read;

import java.util.concurrent.ConcurrentHashMap;

import dev.scenecache.cache.CacheKey;

/**
 * The keys this instance is refreshing or tried to refresh within {@code retryNanos}: a key is marked
 * once per attempt, and may be tried again once its mark is older (a reload that another instance
 * holds, one that takes long). At most {@code max} marks: when full, old marks are swept, and a key
 * that still finds no room is not refreshed (its entry expires as without refresh-ahead).
 * (A plain map rather than a Caffeine cache: Caffeine's generated classes must be registered one by
 * one for a native image.)
 */
final class RefreshMarks {
    private final ConcurrentHashMap<CacheKey, Long> marks = new ConcurrentHashMap<>();
    private final int max;
    private final long retryNanos;

    RefreshMarks(int max, long retryNanos) {
        this.max = max;
        this.retryNanos = retryNanos;
    }

    /** True when this caller may try to refresh {@code key} now (and the key is marked). */
    boolean tryMark(CacheKey key) {
        long now = System.nanoTime();
        Long previous = marks.get(key);
        if (previous != null) {
            return now - previous >= retryNanos && marks.replace(key, previous, now);
        }
        if (marks.size() >= max) {
            marks.values().removeIf(at -> now - at >= retryNanos);
            if (marks.size() >= max) {
                return false;
            }
        }
        return marks.putIfAbsent(key, now) == null;
    }

    void clear(CacheKey key) {
        marks.remove(key);
    }

    int size() {
        return marks.size();
    }
}
