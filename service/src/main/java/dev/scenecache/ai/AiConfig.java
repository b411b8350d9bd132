package dev.scenecache.ai;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The AI brain's settings: {@code AI_PROVIDER}, {@code AI_BASE_URL}, {@code AI_API_KEY}, {@code AI_MODEL}, {@code AI_TIMEOUT}.
 */
@ConfigMapping(prefix = "ai")
public interface AiConfig {

    /** {@code openai} or {@code heuristic}; unset: {@code openai} when an API key is set, else {@code heuristic}. */
    Optional<String> provider();

    /** The OpenAI-compatible API root; {@code /chat/completions} is appended. */
    @WithDefault("https://api.openai.com/v1")
    String baseUrl();

    Optional<String> apiKey();

    @WithDefault("gpt-4o-mini")
    String model();

    /** The total deadline of one decision upstream, retries included; past it: 504. */
    @WithDefault("30s")
    Duration timeout();

    /** Retries after a 429, a 5xx or a connection failure (with backoff), within the deadline. */
    @WithDefault("3")
    int retries();

    /**
     * {@code AI_MAX_CALLS_PER_PROJECT_PER_MINUTE}: upstream calls one project may cause a minute (a token
     * bucket refilled at that rate, shared by every instance through Redis; each instance's own when
     * Redis cannot be used). Over it: 429 with {@code Retry-After}; cached decisions are still served.
     * 0: no limit. The offline heuristic brain is never limited.
     */
    @WithDefault("30")
    @jakarta.validation.constraints.Min(0)
    int maxCallsPerProjectPerMinute();

    /** {@code AI_MAX_CALLS_PER_MINUTE}: upstream calls this instance may make a minute, all projects together; 0: no limit. */
    @WithDefault("600")
    @jakarta.validation.constraints.Min(0)
    int maxCallsPerMinute();

    /** How long another instance's identical call in flight is waited for before calling ourselves. */
    @WithDefault("35s")
    Duration inflightWait();
}
