package dev.scenecache.ai;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** API.md's Decision. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DecisionView(Operation operation, UUID targetSceneId, String toolName, String reasoning, String model,
        boolean cached) {

    static DecisionView of(BrainAnswer answer, boolean cached) {
        return new DecisionView(answer.operation(), answer.targetSceneId(), answer.toolName(), answer.reasoning(),
                answer.model(), cached);
    }
}
