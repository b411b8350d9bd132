package dev.scenecache.ai;

import java.util.List;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a brain sees of a project: its type and its scenes in order (id, name, type, order). Nothing
 * else (code, props, durations) is sent, so no decision can depend on anything else.
 */
@RegisterForReflection
public record ProjectContext(String projectType, List<SceneRef> scenes) {

    @RegisterForReflection
    public record SceneRef(UUID id, String name, String type, int order) {
    }

    public SceneRef scene(UUID id) {
        return id == null ? null : scenes.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
