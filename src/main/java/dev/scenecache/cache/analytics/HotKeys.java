package dev.scenecache.cache.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The most looked-up keys of one cache, in bounded memory: the Space-Saving algorithm (Metwally, Agrawal,
 * El Abbadi, "Efficient computation of frequent and top-k elements in data streams", 2005). It watches
 * {@code capacity} keys; a key not watched replaces the one with the fewest lookups and inherits its count
 * as its possible overestimate ({@code error}). Every key looked up more than {@code total / capacity}
 * times is watched, and its count is within {@code error} of the truth. Hits are counted from when a key
 * is watched, so its hit rate is exact over that stretch.
 *
 * <p>
 * Hand-written (about fifty lines) rather than taken from a sketch library: it must count hits beside
 * lookups per key, which frequent-item sketches do not, and stay free of their off-heap memory layer.
 * Thread-safe by one lock: an update is a hash lookup, and a scan of {@code capacity} counters only when
 * a new key displaces one. Keys are kept as given (the cache's own key objects, whose hashes are already
 * computed); they are named by {@code label} only when reported.
 */
public final class HotKeys<K> {

    /** One watched key: lookups (at most {@code error} too many), and lookups and hits since it was watched. */
    public record Hot(String key, long lookups, long error, long watchedLookups, long hits) {
        /** Hits among the lookups since the key was watched, in percent. */
        public double hitRate() {
            return watchedLookups == 0 ? 0 : 100.0 * hits / watchedLookups;
        }
    }

    private static final class Counter<K> {
        K key;
        long count;
        long error;
        long watched;
        long hits;
    }

    private final int capacity;
    private final Function<K, String> label;
    private final Map<K, Counter<K>> counters;

    public HotKeys(int capacity, Function<K, String> label) {
        this.capacity = Math.max(1, capacity);
        this.label = label;
        this.counters = new HashMap<>(this.capacity * 2);
    }

    public synchronized void lookup(K key, boolean hit) {
        Counter<K> c = counters.get(key);
        if (c == null) {
            if (counters.size() < capacity) {
                c = new Counter<>();
                c.key = key;
            } else {
                c = counters.values().stream().min(Comparator.comparingLong(x -> x.count)).orElseThrow();
                counters.remove(c.key);
                c.error = c.count;
                c.key = key;
                c.watched = 0;
                c.hits = 0;
            }
            counters.put(key, c);
        }
        c.count++;
        c.watched++;
        if (hit) {
            c.hits++;
        }
    }

    /**
     * The {@code n} keys with the most guaranteed lookups ({@code lookups - error}), most first: a key that
     * came in late with a large inherited count does not outrank one counted from its first lookup.
     */
    public synchronized List<Hot> top(int n) {
        List<Hot> all = new ArrayList<>(counters.size());
        for (Counter<K> c : counters.values()) {
            all.add(new Hot(label.apply(c.key), c.count, c.error, c.watched, c.hits));
        }
        all.sort(Comparator.comparingLong((Hot h) -> h.lookups() - h.error()).reversed().thenComparing(Hot::key));
        return all.subList(0, Math.min(n, all.size()));
    }
}
