package dev.scenecache.cache.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Space-Saving's guarantees, checked against exact counts on generated streams (Zipf-distributed keys,
 * as cache traffic is, with several skews and seeds; and a uniform stream, its worst case).
 */
class HotKeysTest {

    @Test
    void shouldWatchEveryKeyAboveItsShareAndCountItWithinItsError() {
        int checkedKeys = 0;
        for (double skew : new double[] { 0.6, 0.9, 1.1, 1.5 }) {
            for (long seed = 1; seed <= 5; seed++) {
                int capacity = 40;
                int total = 50_000;
                HotKeys<String> hot = new HotKeys<String>(capacity, k -> k);
                Map<String, Long> exact = new HashMap<>();
                Map<String, Long> exactHits = new HashMap<>();
                Random random = new Random(seed);
                ZipfKeys keys = new ZipfKeys(5_000, skew, random);
                for (int i = 0; i < total; i++) {
                    String key = "p:" + keys.next();
                    boolean hit = random.nextDouble() < 0.8;
                    hot.lookup(key, hit);
                    exact.merge(key, 1L, Long::sum);
                    exactHits.merge(key, hit ? 1L : 0L, Long::sum);
                }
                List<HotKeys.Hot> watched = hot.top(capacity);
                Map<String, HotKeys.Hot> byKey = new HashMap<>();
                watched.forEach(h -> byKey.put(h.key(), h));
                for (var e : exact.entrySet()) {
                    if (e.getValue() > total / capacity) {
                        assertThat(byKey).as("skew %s seed %s: %s (%s lookups) is watched", skew, seed, e.getKey(),
                                e.getValue()).containsKey(e.getKey());
                    }
                }
                for (HotKeys.Hot h : watched) {
                    long truth = exact.get(h.key());
                    assertThat(h.lookups()).isBetween(truth, truth + h.error());
                    assertThat(h.watchedLookups()).isLessThanOrEqualTo(truth);
                    if (h.error() == 0) { // watched from its first lookup: its hits are exact
                        assertThat(h.hits()).isEqualTo(exactHits.get(h.key()));
                    }
                    checkedKeys++;
                }
            }
        }
        assertThat(checkedKeys).isGreaterThan(500);
    }

    @Test
    void shouldNameTheTrueTopKeysFirstOnASkewedStream() {
        HotKeys<String> hot = new HotKeys<String>(40, k -> k);
        Map<String, Long> exact = new HashMap<>();
        ZipfKeys keys = new ZipfKeys(10_000, 1.2, new Random(7));
        for (int i = 0; i < 100_000; i++) {
            String key = "k" + keys.next();
            hot.lookup(key, true);
            exact.merge(key, 1L, Long::sum);
        }
        List<String> trueTop = exact.entrySet().stream().sorted(Map.Entry.<String, Long> comparingByValue().reversed())
                .limit(10).map(Map.Entry::getKey).toList();
        // 40 counters for 10,000 keys: the head is exact, the tail of the ten may swap a near neighbour in.
        List<String> reported = hot.top(10).stream().map(HotKeys.Hot::key).toList();
        assertThat(reported.subList(0, 5)).containsExactlyElementsOf(trueTop.subList(0, 5));
        assertThat(reported.stream().filter(trueTop::contains).count()).isGreaterThanOrEqualTo(9);
        assertThat(hot.top(10)).allSatisfy(h -> assertThat(h.hitRate()).isEqualTo(100.0));
    }

    @Test
    void shouldStayWithinItsCapacityOnAUniformStream() {
        HotKeys<String> hot = new HotKeys<String>(10, k -> k);
        for (int i = 0; i < 10_000; i++) {
            hot.lookup("k" + i, false);
        }
        assertThat(hot.top(100)).hasSize(10).allSatisfy(h -> assertThat(h.hitRate()).isZero());
    }

    /** Keys 0..n-1 drawn with probability proportional to 1/(rank+1)^skew (inverse transform on the CDF). */
    static final class ZipfKeys {
        private final double[] cdf;
        private final Random random;

        ZipfKeys(int n, double skew, Random random) {
            this.random = random;
            this.cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, skew);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int next() {
            int at = java.util.Arrays.binarySearch(cdf, random.nextDouble());
            return at >= 0 ? at : Math.min(cdf.length - 1, -at - 1);
        }
    }
}
