package dev.scenecache.cache.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The recommendation's rules, over every mix of endings on a grid, and its bounds. */
class TtlAdvisorTest {

    private static final long MIN = 60_000;
    private static final long MAX = 86_400_000;

    @Test
    void shouldFollowItsRulesOnEveryMixOfEndings() {
        int cases = 0;
        for (long current : new long[] { 30_000, 60_000, 3_600_000, 50_000_000, 86_400_000, 200_000_000 }) {
            for (long expired = 0; expired <= 60; expired += 3) {
                for (long identical = 0; identical <= expired; identical += 3) {
                    for (long invalidated = 0; invalidated <= 60; invalidated += 3) {
                        var endings = new TtlAdvisor.Endings(expired, identical, invalidated);
                        var advice = TtlAdvisor.advise(endings, current, MIN, MAX);
                        long bounded = Math.max(MIN, Math.min(MAX, current));
                        assertThat(advice.ttlMillis()).as("within bounds").isBetween(MIN, MAX);
                        if (endings.total() < TtlAdvisor.MIN_ENDINGS) {
                            assertThat(advice.ttlMillis()).isEqualTo(bounded);
                        } else if (invalidated * 2 >= endings.total()) {
                            assertThat(advice.ttlMillis()).as("writes dominate: never longer").isEqualTo(bounded);
                        } else if (identical * 10 >= expired * 9) {
                            assertThat(advice.ttlMillis()).isEqualTo(Math.min(MAX, bounded * 2));
                        } else if (identical * 2 < expired) {
                            assertThat(advice.ttlMillis()).isEqualTo(Math.max(MIN, bounded / 2));
                        } else {
                            assertThat(advice.ttlMillis()).isEqualTo(bounded);
                        }
                        cases++;
                    }
                }
            }
        }
        assertThat(cases).isGreaterThan(10_000);
    }
}
