package dev.scenecache.project;

import dev.scenecache.common.ETags;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Timestamps;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** Projects in PostgreSQL. Deleting a project deletes its scenes (foreign key {@code on delete cascade}). */
@ApplicationScoped
public class ProjectService {

    @WithTransaction
    public Uni<ProjectView> createProject(ProjectRequests.CreateProject request) {
        Project project = new Project();
        project.id = UUID.randomUUID();
        project.name = request.name();
        project.type = request.type();
        project.createdAt = Timestamps.now();
        project.updatedAt = project.createdAt;
        project.version = 1;
        return project.persist().replaceWith(() -> ProjectView.of(project));
    }

    @WithSession
    public Uni<ProjectView> findProject(UUID id) {
        return Project.<Project>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Project", id))
                .map(ProjectView::of);
    }

    @WithSession
    public Uni<Boolean> projectExists(UUID id) {
        return Project.count("id", id).map(n -> n > 0);
    }

    /** Applies the fields the patch has; the version grows only when a value really changes. */
    @WithTransaction
    public Uni<ProjectView> patchProject(UUID id, ProjectRequests.PatchProject patch, String ifMatch) {
        return Project.<Project>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Project", id))
                .map(project -> {
                    if (!ETags.matches(ifMatch, project.version)) {
                        throw ProblemException.preconditionFailed(
                                "Project [" + id + "] is at version " + project.version + ", not " + ifMatch);
                    }
                    boolean changed = false;
                    if (patch.has("name") && !Objects.equals(project.name, patch.name())) {
                        project.name = patch.name();
                        changed = true;
                    }
                    if (patch.has("type") && !Objects.equals(project.type, patch.type())) {
                        project.type = patch.type();
                        changed = true;
                    }
                    if (changed) {
                        touch(project);
                    }
                    return ProjectView.of(project);
                });
    }

    @WithTransaction
    public Uni<Void> deleteProject(UUID id, String ifMatch) {
        return Project.<Project>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Project", id))
                .flatMap(project -> {
                    if (!ETags.matches(ifMatch, project.version)) {
                        throw ProblemException.preconditionFailed(
                                "Project [" + id + "] is at version " + project.version + ", not " + ifMatch);
                    }
                    return Project.delete("id", id);
                })
                .replaceWithVoid();
    }

    private static void touch(Project project) {
        Instant now = Timestamps.now();
        project.updatedAt = now.isAfter(project.updatedAt) ? now : project.updatedAt;
        project.version++;
    }
}
