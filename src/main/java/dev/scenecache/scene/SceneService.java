package dev.scenecache.scene;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenecache.common.ETags;
import dev.scenecache.common.Limits;
import dev.scenecache.common.Problem;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Timestamps;
import dev.scenecache.project.Project;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Scenes in PostgreSQL. A scene is only ever reached through its project: asking for it through
 * another project answers 404. Creating a scene holds a share lock on its project row, so a project
 * cannot be deleted half-way through the insert.
 */
@ApplicationScoped
public class SceneService {

    private final ObjectMapper mapper;

    public SceneService(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @WithSession
    public Uni<List<SceneView>> listScenes(UUID projectId) {
        return Project.count("id", projectId)
                .flatMap(n -> {
                    if (n == 0) {
                        throw ProblemException.notFound("Project", projectId);
                    }
                    return Scene.<Scene>list("projectId = ?1 order by sceneOrder, createdAt, id", projectId);
                })
                .map(scenes -> scenes.stream().map(SceneView::of).toList());
    }

    @WithSession
    public Uni<SceneView> findScene(UUID projectId, UUID sceneId) {
        return Scene.<Scene>find("id = ?1 and projectId = ?2", sceneId, projectId).firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Scene", sceneId))
                .map(SceneView::of);
    }

    @WithTransaction
    public Uni<SceneView> createScene(UUID projectId, SceneRequests.CreateScene request) {
        String props = encodeProps(request.props());
        checkCode(request.tsxCode());
        return Project.<Project>findById(projectId, LockModeType.PESSIMISTIC_READ)
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

    /** Applies the fields the patch has, after an optional {@code If-Match} check, under a row lock. */
    @WithTransaction
    public Uni<SceneView> patchScene(UUID projectId, UUID sceneId, SceneRequests.PatchScene patch, String ifMatch) {
        String props = patch.has("props") ? encodeProps(patch.props()) : null;
        if (patch.has("tsxCode")) {
            checkCode(patch.tsxCode());
        }
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

    @WithTransaction
    public Uni<Void> deleteScene(UUID projectId, UUID sceneId, String ifMatch) {
        return lockScene(projectId, sceneId, ifMatch).flatMap(Scene::delete);
    }

    private Uni<Scene> lockScene(UUID projectId, UUID sceneId, String ifMatch) {
        return Scene.<Scene>findById(sceneId, LockModeType.PESSIMISTIC_WRITE)
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
        return Scene.<Scene>find("projectId = ?1 order by sceneOrder desc", projectId).firstResult()
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
        List<Problem.FieldError> errors = new ArrayList<>();
        if (tsxCode != null && Limits.utf8Length(tsxCode) > Limits.TSX_CODE_MAX_BYTES) {
            errors.add(new Problem.FieldError("tsxCode", "must be at most " + Limits.TSX_CODE_MAX_BYTES + " bytes"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
