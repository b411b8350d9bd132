package dev.scenecache.ai;

import java.time.Duration;
import java.util.Optional;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

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
    @Min(0)
    int maxCallsPerProjectPerMinute();

    /** {@code AI_MAX_CALLS_PER_MINUTE}: upstream calls this instance may make a minute, all projects together; 0: no limit. */
    @WithDefault("600")
    @Min(0)
    int maxCallsPerMinute();

    /** How long another instance's identical call in flight is waited for before calling ourselves. */
    @WithDefault("35s")
    Duration inflightWait();

    /**
     * {@code AI_SEMANTIC_CACHE}: {@code true} serves, on an exact miss, the decision of an earlier prompt that
     * means the same in the same project state (see {@code dev.scenecache.ai.semantic.SemanticDecisions});
     * {@code shadow} looks it up but still asks the brain, serves its decision and counts whether they agree;
     * {@code false} (the default) never loads the embedding model. {@code PUT /admin/ai/semantic/mode} (or
     * {@code /enabled}) switches it at run time.
     */
    @WithDefault("false")
    @Pattern(regexp = "(?i)true|false|shadow", message = "must be false, true or shadow")
    String semanticCache();

    /**
     * {@code AI_SEMANTIC_THRESHOLD}: the least cosine similarity (from -1 to 1; unit-length all-MiniLM-L6-v2
     * embeddings) at which an earlier prompt may be served, its guards passed. The shipped value makes 0
     * wrong matches on the labelled pairs of {@code src/test/resources/semantic/pairs.tsv}.
     */
    @WithDefault("0.80")
    @DecimalMin("0.5")
    @DecimalMax("1.0")
    double semanticThreshold();

    /** {@code AI_SEMANTIC_CANDIDATES}: the earlier prompts kept per project state (the most recent). */
    @WithDefault("64")
    @Min(1)
    @Max(1024)
    int semanticCandidates();

    /** {@code AI_SEMANTIC_WORKERS}: threads that embed prompts. */
    @WithDefault("1")
    @Min(1)
    int semanticWorkers();

    /** {@code AI_SEMANTIC_QUEUE}: prompts that may wait for a worker; beyond, the brain is asked directly. */
    @WithDefault("32")
    @Min(1)
    int semanticQueue();

    /**
     * {@code AI_SEMANTIC_TIMEOUT}: the longest a decision waits for its prompt's embedding (the first waits for the model's
     * load).
     */
    @WithDefault("5s")
    Duration semanticTimeout();

    /** {@code AI_SEMANTIC_AUDIT}: semantic hits kept for {@code GET /admin/ai/semantic} (the most recent). */
    @WithDefault("200")
    @Min(1)
    @Max(10000)
    int semanticAudit();
}
