package dev.scenecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A request that reads several keys reports the read that says the most about freshness. */
class CacheOutcomeTest {

    @Test
    void shouldReportTheLeastFreshOfARequestsReadsWhateverTheirOrder() {
        CacheOutcome[] leastFreshFirst = { CacheOutcome.STALE_L2, CacheOutcome.STALE_L1, CacheOutcome.BYPASS,
                CacheOutcome.MISS_NOT_STORED, CacheOutcome.MISS, CacheOutcome.HIT_SEMANTIC, CacheOutcome.HIT_L2,
                CacheOutcome.HIT_L1 };
        for (int i = 0; i < leastFreshFirst.length; i++) {
            for (int j = i; j < leastFreshFirst.length; j++) {
                assertThat(leastFreshFirst[i].worse(leastFreshFirst[j])).as(leastFreshFirst[i] + " then " + leastFreshFirst[j])
                        .isEqualTo(leastFreshFirst[i]);
                assertThat(leastFreshFirst[j].worse(leastFreshFirst[i])).as(leastFreshFirst[j] + " then " + leastFreshFirst[i])
                        .isEqualTo(leastFreshFirst[i]);
            }
            assertThat(leastFreshFirst[i].worse(null)).isEqualTo(leastFreshFirst[i]);
        }
    }
}
