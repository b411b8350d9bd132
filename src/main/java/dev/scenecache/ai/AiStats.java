package dev.scenecache.ai;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * What the decision cache saves: calls to the AI provider, decisions served from the cache and the
 * tokens those cached decisions cost when they were made. Counters only grow (they back Prometheus
 * counters); {@link #reset} takes a baseline for the admin figures, like {@code CacheStats}.
 */
@ApplicationScoped
@Startup
public class AiStats {

    /** The figures since start, or since the last reset. */
    public record Snapshot(long upstreamCalls, long upstreamErrors, long cacheHits, long tokensUsed, long tokensSaved,
            long spendLimited, long semanticHits, long semanticTokensSaved, long semanticShadowAgreed,
            long semanticShadowDisagreed) {
        static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        Snapshot minus(Snapshot o) {
            return new Snapshot(upstreamCalls - o.upstreamCalls, upstreamErrors - o.upstreamErrors,
                    cacheHits - o.cacheHits, tokensUsed - o.tokensUsed, tokensSaved - o.tokensSaved,
                    spendLimited - o.spendLimited, semanticHits - o.semanticHits,
                    semanticTokensSaved - o.semanticTokensSaved, semanticShadowAgreed - o.semanticShadowAgreed,
                    semanticShadowDisagreed - o.semanticShadowDisagreed);
        }
    }

    private final LongAdder upstreamCalls = new LongAdder();
    private final LongAdder upstreamErrors = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder tokensUsed = new LongAdder();
    private final LongAdder tokensSaved = new LongAdder();
    private final LongAdder semanticHits = new LongAdder();
    private final LongAdder semanticTokensSaved = new LongAdder();
    private final LongAdder shadowAgreed = new LongAdder();
    private final LongAdder shadowDisagreed = new LongAdder();
    private final LongAdder limitedByProject = new LongAdder();
    private final LongAdder limitedByInstance = new LongAdder();
    private volatile Snapshot baseline = Snapshot.ZERO;

    public AiStats(MeterRegistry registry) {
        for (var scope : Map.of("project", limitedByProject, "instance", limitedByInstance).entrySet()) {
            FunctionCounter.builder("ai.spend.limited", scope.getValue(), LongAdder::sum)
                    .description("Decisions refused (429) by a spend limit: per project, or this instance's")
                    .tag("scope", scope.getKey()).register(registry);
        }
        counter(registry, "ai.upstream.calls", "Calls made to the AI provider", upstreamCalls);
        counter(registry, "ai.upstream.errors", "Calls to the AI provider that failed or timed out", upstreamErrors);
        counter(registry, "ai.cache.hits", "Decisions served from the decision cache instead of the AI provider",
                cacheHits);
        counter(registry, "ai.tokens.used", "Tokens the AI provider reported for the calls made", tokensUsed);
        counter(registry, "ai.tokens.saved", "Tokens the decisions served from the cache cost when they were made",
                tokensSaved);
        counter(registry, "ai.semantic.tokens.saved",
                "Tokens the decisions served by the semantic cache (for another prompt) cost when they were made",
                semanticTokensSaved);
    }

    /** A call to the provider answered, costing {@code tokens}. */
    public void upstreamCall(long tokens) {
        upstreamCalls.increment();
        tokensUsed.add(tokens);
    }

    /** A call to the provider failed (error answer, malformed answer, timeout). */
    public void upstreamError() {
        upstreamCalls.increment();
        upstreamErrors.increment();
    }

    /** A decision came from the cache; it had cost {@code tokens} when it was made. */
    public void cacheHit(long tokens) {
        cacheHits.increment();
        tokensSaved.add(tokens);
    }

    /** Shadow mode: a semantic match compared with the brain's decision, which {@code agreed} or not. */
    public void semanticShadowed(boolean agreed) {
        (agreed ? shadowAgreed : shadowDisagreed).increment();
    }

    /**
     * A decision made for an earlier prompt that means the same was served (the semantic cache); it had
     * cost {@code tokens}. Counted apart from the exact hits ({@code ai_semantic_hits_total} is the
     * semantic cache's own counter).
     */
    public void semanticHit(long tokens) {
        semanticHits.increment();
        semanticTokensSaved.add(tokens);
    }

    /** A decision refused by a spend limit ({@code scope}: {@code project} or {@code instance}). */
    public void limited(String scope) {
        ("project".equals(scope) ? limitedByProject : limitedByInstance).increment();
    }

    public Snapshot sinceReset() {
        return now().minus(baseline);
    }

    public void reset() {
        baseline = now();
    }

    private Snapshot now() {
        return new Snapshot(upstreamCalls.sum(), upstreamErrors.sum(), cacheHits.sum(), tokensUsed.sum(),
                tokensSaved.sum(), limitedByProject.sum() + limitedByInstance.sum(), semanticHits.sum(),
                semanticTokensSaved.sum(), shadowAgreed.sum(), shadowDisagreed.sum());
    }

    private static void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
    }
}
