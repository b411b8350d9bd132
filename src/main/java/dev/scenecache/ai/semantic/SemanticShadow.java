package dev.scenecache.ai.semantic;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

import dev.scenecache.ai.BrainAnswer;
import dev.scenecache.ai.DecisionView;
import dev.scenecache.ai.Operation;
import dev.scenecache.common.Recent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Shadow mode ({@code AI_SEMANTIC_CACHE=shadow}): the semantic lookup is made, the brain is still asked and its
 * decision served, and the two are compared (operation, target scene, tool). Operators read the agreement on their
 * own traffic ({@code ai_semantic_shadow_total{agreed}}, the admin stats) and every recent disagreement
 * ({@code GET /admin/ai/semantic}) before they let the tier answer. Bounded: the last {@code AI_SEMANTIC_AUDIT}
 * disagreements.
 */
public final class SemanticShadow {

    /** A semantic match that the brain decided otherwise. */
    @RegisterForReflection
    public record Disagreement(Instant at, UUID projectId, String prompt, String matchedPrompt, double score,
            Operation semanticOperation, UUID semanticTargetSceneId, Operation brainOperation, UUID brainTargetSceneId) {
    }

    private final LongAdder agreed = new LongAdder();
    private final LongAdder disagreed = new LongAdder();
    private final Recent<Disagreement> recent;

    SemanticShadow(MeterRegistry registry, int keep) {
        this.recent = new Recent<>(keep);
        for (var outcome : List.of(true, false)) {
            FunctionCounter.builder("ai.semantic.shadow", outcome ? agreed : disagreed, LongAdder::sum)
                    .description("Shadow mode: semantic matches whose decision the brain, asked anyway, made too (or not)")
                    .tag("agreed", Boolean.toString(outcome)).register(registry);
        }
    }

    /** Whether the brain's decision is the one the match would have served: operation, target scene and tool. */
    static boolean same(BrainAnswer semantic, DecisionView brain) {
        return semantic.operation() == brain.operation() && Objects.equals(semantic.targetSceneId(), brain.targetSceneId())
                && Objects.equals(semantic.toolName(), brain.toolName());
    }

    /** Counts the comparison, and keeps a disagreement; answers whether they agree. */
    boolean compared(UUID projectId, String prompt, String matchedPrompt, double score, BrainAnswer semantic,
            DecisionView brain) {
        if (same(semantic, brain)) {
            agreed.increment();
            return true;
        }
        disagreed.increment();
        Disagreement d = new Disagreement(Instant.now(), projectId, prompt, matchedPrompt, Math.round(score * 1000) / 1000.0,
                semantic.operation(), semantic.targetSceneId(), brain.operation(), brain.targetSceneId());
        recent.add(d);
        return false;
    }

    public long agreed() {
        return agreed.sum();
    }

    public long disagreed() {
        return disagreed.sum();
    }

    /** The most recent disagreements, newest first. */
    public List<Disagreement> disagreements() {
        return recent.newestFirst();
    }
}
