package dev.scenecache.scene;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A scene as the API shows it; {@code props} is the stored JSON object, written as it is. */
@RegisterForReflection
public record SceneView(
        UUID id,
        UUID projectId,
        String name,
        String type,
        int order,
        String tsxCode,
        @JsonRawValue String props,
        int durationFrames,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    public static SceneView of(Scene s) {
        return new SceneView(s.id, s.projectId, s.name, s.type, s.sceneOrder, s.tsxCode, s.props, s.durationFrames,
                s.createdAt, s.updatedAt, s.version);
    }
}
