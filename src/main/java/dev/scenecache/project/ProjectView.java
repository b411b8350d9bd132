package dev.scenecache.project;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A project as the API shows it. */
@RegisterForReflection
public record ProjectView(UUID id, String name, String type, Instant createdAt, Instant updatedAt, long version) {

    static ProjectView of(Project p) {
        return new ProjectView(p.id, p.name, p.type, p.createdAt, p.updatedAt, p.version);
    }
}
