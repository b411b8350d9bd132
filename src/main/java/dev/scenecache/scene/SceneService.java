package dev.scenecache.scene;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scenecache.cache.CacheGroup;
import dev.scenecache.cache.CacheId;
import dev.scenecache.cache.CacheInvalidator;
import dev.scenecache.cache.CacheInvalidator.CacheWrite;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.CacheRead;
import dev.scenecache.cache.JsonDocument;
import dev.scenecache.common.ETags;
import dev.scenecache.common.Limits;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Timestamps;
import dev.scenecache.project.Project;
import dev.scenecache.project.ProjectService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * Scenes in PostgreSQL. A scene is only ever reached through its project: asking for it through
 * another project answers 404. Creating a scene holds a share lock on its project row, so a project
 * cannot be deleted half-way through the insert.
 *
 * <p>
 * Cache: {@code scene} holds each scene's JSON, {@code scene-list} each project's ordered list;
 * both in the project's group. After the commit of a scene write, the scene's new JSON is written
 * through (a delete leaves a tombstone) and the project's list is invalidated; deleting the project
 * drops the whole group.
 */
@ApplicationScoped
public class SceneService {

    private final ObjectMapper mapper;
    private final CacheInvalidator invalidator;
    private final SceneStatements statements;

    public SceneService(ObjectMapper mapper, CacheInvalidator invalidator, SceneStatements statements) {
        this.mapper = mapper;
        this.invalidator = invalidator;
        this.statements = statements;
    }

    public static CacheKey sceneKey(UUID projectId, UUID sceneId) {
        return CacheKey.of(CacheNames.SCENE, CacheNames.projectGroup(projectId), sceneId.toString());
    }

    /** The project's scenes, ordered, as the API's JSON array, read through the {@code scene-list} cache. */
    @CacheRead(cache = CacheNames.SCENE_LIST)
    @WithSession
    public Uni<JsonDocument> listScenes(@CacheGroup(CacheNames.PROJECT_GROUP) UUID projectId) {
        return Project.count("id", projectId)
                .flatMap(n -> {
                    if (n == 0) {
                        throw ProblemException.notFound("Project", projectId);
                    }
                    return Scene.<Scene> list("projectId = ?1 order by sceneOrder, createdAt, id", projectId);
                })
                .map(scenes -> encode(scenes.stream().map(SceneView::of).toList(), 0));
    }

    /** The scene's JSON, read through the {@code scene} cache; 404 also when it is another project's. */
    @CacheRead(cache = CacheNames.SCENE)
    public Uni<JsonDocument> findScene(@CacheGroup(CacheNames.PROJECT_GROUP) UUID projectId, @CacheId UUID sceneId) {
        return statements.find(projectId, sceneId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Scene", sceneId))
                .map(s -> encode(s, s.version()));
    }

    public Uni<SceneView> createScene(UUID projectId, SceneRequests.CreateScene request) {
        CacheWrite cache = invalidator.begin(CacheNames.projectGroup(projectId));
        return Panache.withTransaction(() -> cache.beforeCommit(insert(projectId, request)))
                .call(s -> cache.put(sceneKey(projectId, s.id()), encode(s, s.version()))
                        .invalidate(ProjectService.sceneListKey(projectId)).apply());
    }

    private Uni<SceneView> insert(UUID projectId, SceneRequests.CreateScene request) {
        String props = encodeProps(request.props());
        checkCode(request.tsxCode());
        return Project.<Project> findById(projectId, LockModeType.PESSIMISTIC_READ)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Project", projectId))
                .flatMap(project -> request.order() != null
                        ? Uni.createFrom().item(request.order())
                        : nextOrder(projectId))
                .flatMap(order -> {
                    Scene scene = new Scene();
                    scene.id = UUID.randomUUID();
                    scene.projectId = projectId;
                    scene.name = request.name();
                    scene.type = request.type();
                    scene.sceneOrder = order;
                    scene.tsxCode = request.tsxCode();
                    scene.props = props;
                    scene.durationFrames = request.durationFrames() == null
                            ? SceneRequests.DEFAULT_DURATION_FRAMES
                            : request.durationFrames();
                    scene.createdAt = Timestamps.now();
                    scene.updatedAt = scene.createdAt;
                    scene.version = 1;
                    return scene.persist().replaceWith(() -> SceneView.of(scene));
                });
    }

    /**
     * Applies the fields the patch has, after an optional {@code If-Match} check: in one statement when it
     * changes the scene ({@link SceneStatements#patch}), otherwise under a row lock, which answers 404, 412 or
     * the unchanged scene.
     */
    public Uni<JsonDocument> patchScene(UUID projectId, UUID sceneId, SceneRequests.PatchScene patch, String ifMatch) {
        return Uni.createFrom().deferred(() -> {
            String props = patch.has("props") ? encodeProps(patch.props()) : null;
            if (patch.has("tsxCode")) {
                checkCode(patch.tsxCode());
            }
            CacheWrite cache = invalidator.begin(CacheNames.projectGroup(projectId));
            // Encoded once: the same bytes are written through and answered (as a read would answer them).
            return cache.commit(() -> statements.patch(projectId, sceneId, patch, props, ifMatch))
                    .onItem().ifNull().switchTo(() -> Panache.withTransaction(
                            () -> cache.beforeCommit(update(projectId, sceneId, patch, props, ifMatch))))
                    .map(s -> encode(s, s.version()))
                    .call(json -> cache.put(sceneKey(projectId, sceneId), json)
                            .invalidate(ProjectService.sceneListKey(projectId)).apply());
        });
    }

    private Uni<SceneView> update(UUID projectId, UUID sceneId, SceneRequests.PatchScene patch, String props,
            String ifMatch) {
        return lockScene(projectId, sceneId, ifMatch).map(scene -> {
            boolean changed = false;
            if (patch.has("name") && !Objects.equals(scene.name, patch.name())) {
                scene.name = patch.name();
                changed = true;
            }
            if (patch.has("type") && !Objects.equals(scene.type, patch.type())) {
                scene.type = patch.type();
                changed = true;
            }
            if (patch.has("order") && scene.sceneOrder != patch.order()) {
                scene.sceneOrder = patch.order();
                changed = true;
            }
            if (patch.has("tsxCode") && !Objects.equals(scene.tsxCode, patch.tsxCode())) {
                scene.tsxCode = patch.tsxCode();
                changed = true;
            }
            if (props != null && !Objects.equals(scene.props, props)) {
                scene.props = props;
                changed = true;
            }
            if (patch.has("durationFrames") && scene.durationFrames != patch.durationFrames()) {
                scene.durationFrames = patch.durationFrames();
                changed = true;
            }
            if (changed) {
                Instant now = Timestamps.now();
                scene.updatedAt = now.isAfter(scene.updatedAt) ? now : scene.updatedAt;
                scene.version++;
            }
            return SceneView.of(scene);
        });
    }

    public Uni<Void> deleteScene(UUID projectId, UUID sceneId, String ifMatch) {
        CacheWrite cache = invalidator.begin(CacheNames.projectGroup(projectId));
        // A query delete, not session.remove(): removing the locked entity (flushed at commit) left
        // transactions "idle in transaction" under concurrent deletes (ConcurrentWritesTest).
        return Panache.withTransaction(() -> cache.beforeCommit(lockScene(projectId, sceneId, ifMatch)
                .flatMap(scene -> Scene.delete("id", scene.id)).replaceWithVoid()))
                .call(() -> cache.deleted(sceneKey(projectId, sceneId), "Scene [" + sceneId + "] does not exist")
                        .invalidate(ProjectService.sceneListKey(projectId)).apply());
    }

    private JsonDocument encode(Object view, long version) {
        return JsonDocument.of(mapper, view, version);
    }

    private Uni<Scene> lockScene(UUID projectId, UUID sceneId, String ifMatch) {
        return Scene.<Scene> findById(sceneId, LockModeType.PESSIMISTIC_WRITE)
                .map(scene -> {
                    if (scene == null || !scene.projectId.equals(projectId)) {
                        throw ProblemException.notFound("Scene", sceneId);
                    }
                    if (!ETags.matches(ifMatch, scene.version)) {
                        throw ProblemException.preconditionFailed(
                                "Scene [" + sceneId + "] is at version " + scene.version + ", not " + ifMatch);
                    }
                    return scene;
                });
    }

    /** After the last scene: one more than the highest order, capped at the maximum. */
    private static Uni<Integer> nextOrder(UUID projectId) {
        return Scene.<Scene> find("projectId = ?1 order by sceneOrder desc", projectId).firstResult()
                .map(last -> last == null ? 0 : Math.min(last.sceneOrder + 1, SceneRequests.MAX_ORDER));
    }

    private String encodeProps(ObjectNode props) {
        if (props == null) {
            return "{}";
        }
        try {
            String json = mapper.writeValueAsString(props);
            if (Limits.utf8Length(json) > Limits.PROPS_MAX_BYTES) {
                throw ProblemException.invalid("props", "must be at most " + Limits.PROPS_MAX_BYTES + " bytes serialized");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw ProblemException.invalid("props", "cannot be serialized");
        }
    }

    private static void checkCode(String tsxCode) {
        if (tsxCode != null && Limits.utf8Length(tsxCode) > Limits.TSX_CODE_MAX_BYTES) {
            throw ProblemException.invalid("tsxCode", "must be at most " + Limits.TSX_CODE_MAX_BYTES + " bytes");
        }
    }
}
