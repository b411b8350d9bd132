package dev.scenecache.project;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.cache.CacheGroup;
import dev.scenecache.cache.CacheInvalidator;
import dev.scenecache.cache.CacheInvalidator.CacheWrite;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.CacheRead;
import dev.scenecache.cache.JsonDocument;
import dev.scenecache.common.ETags;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Timestamps;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * Projects in PostgreSQL. Deleting a project deletes its scenes (foreign key {@code on delete cascade}).
 *
 * <p>
 * Cache: {@code project} holds each project's JSON (and a brief not-found). After the commit of a
 * create or patch the new JSON is written through (the create also drops a cached not-found of the
 * scene list); a delete drops the whole project group (project, scene list, scenes) in O(1).
 */
@ApplicationScoped
public class ProjectService {

    private final CacheInvalidator invalidator;
    private final ObjectMapper mapper;

    public ProjectService(CacheInvalidator invalidator, ObjectMapper mapper) {
        this.invalidator = invalidator;
        this.mapper = mapper;
    }

    public static CacheKey projectKey(UUID id) {
        return CacheKey.of(CacheNames.PROJECT, CacheNames.projectGroup(id));
    }

    public static CacheKey sceneListKey(UUID id) {
        return CacheKey.of(CacheNames.SCENE_LIST, CacheNames.projectGroup(id));
    }

    public Uni<ProjectView> createProject(ProjectRequests.CreateProject request) {
        UUID id = UUID.randomUUID();
        CacheWrite cache = invalidator.begin(CacheNames.projectGroup(id));
        return Panache.withTransaction(() -> cache.beforeCommit(insert(id, request)))
                .call(p -> cache.put(projectKey(id), encode(p)).invalidate(sceneListKey(id)).apply());
    }

    private Uni<ProjectView> insert(UUID id, ProjectRequests.CreateProject request) {
        Project project = new Project();
        project.id = id;
        project.name = request.name();
        project.type = request.type();
        project.createdAt = Timestamps.now();
        project.updatedAt = project.createdAt;
        project.version = 1;
        return project.persist().replaceWith(() -> ProjectView.of(project));
    }

    /** The project's JSON as the API shows it, read through the {@code project} cache. */
    @CacheRead(cache = CacheNames.PROJECT)
    @WithSession
    public Uni<JsonDocument> findProject(@CacheGroup(CacheNames.PROJECT_GROUP) UUID id) {
        return Project.<Project> findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Project", id))
                .map(p -> encode(ProjectView.of(p)));
    }

    private JsonDocument encode(ProjectView view) {
        return JsonDocument.of(mapper, view, view.version());
    }

    /** Applies the fields the patch has; the version grows only when a value really changes. */
    public Uni<ProjectView> patchProject(UUID id, ProjectRequests.PatchProject patch, String ifMatch) {
        CacheWrite cache = invalidator.begin(CacheNames.projectGroup(id));
        return Panache.withTransaction(() -> cache.beforeCommit(update(id, patch, ifMatch)))
                .call(p -> cache.put(projectKey(id), encode(p)).apply());
    }

    private Uni<ProjectView> update(UUID id, ProjectRequests.PatchProject patch, String ifMatch) {
        return Project.<Project> findById(id, LockModeType.PESSIMISTIC_WRITE)
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

    public Uni<Void> deleteProject(UUID id, String ifMatch) {
        return Panache.withTransaction(() -> delete(id, ifMatch))
                .call(() -> invalidator.invalidateGroup(CacheNames.projectGroup(id)));
    }

    private Uni<Void> delete(UUID id, String ifMatch) {
        return Project.<Project> findById(id, LockModeType.PESSIMISTIC_WRITE)
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
