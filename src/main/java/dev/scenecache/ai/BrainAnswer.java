package dev.scenecache.ai;

import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A brain's decision as the decision cache keeps it: the API's fields, the tokens it cost, and the
 * target scene's name and type when it was made (to check on every hit that it still means the same).
 */
@RegisterForReflection
public record BrainAnswer(Operation operation, UUID targetSceneId, String targetName, String targetType,
        String toolName, String reasoning, String model, long tokens) {
}
