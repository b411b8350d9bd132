package dev.scenecache.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RateLimitedWarningTest {

    @Test
    void shouldLogTheFirstFailureThenNothingWithinTheInterval() {
        ProblemMappers.RateLimitedWarning hourly = new ProblemMappers.RateLimitedWarning(Duration.ofHours(1));
        assertThat(hourly.warn(new java.net.ConnectException("refused"))).isTrue();
        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            logged += hourly.warn(new java.net.ConnectException("refused")) ? 1 : 0;
        }
        assertThat(logged).isZero();

        ProblemMappers.RateLimitedWarning always = new ProblemMappers.RateLimitedWarning(Duration.ZERO);
        assertThat(always.warn(new java.net.ConnectException("refused"))).isTrue();
        assertThat(always.warn(new java.net.ConnectException("refused"))).isTrue();
    }
}
