package dev.scenecache.component;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;

import dev.scenecache.common.Ids;
import dev.scenecache.scene.SceneService;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /projects/{p}/scenes/{s}/component}: the build of the scene's current code and props,
 * through the scene cache (a write to the scene shows at once) and the content-addressed build cache.
 * Its own class: its path must be longer than the scenes resource's to be matched here.
 */
@Path("/projects/{projectId}/scenes/{sceneId}/component")
@Produces(MediaType.APPLICATION_JSON)
public class SceneComponentResource {

    private final ComponentService components;
    private final SceneService scenes;

    public SceneComponentResource(ComponentService components, SceneService scenes) {
        this.components = components;
        this.scenes = scenes;
    }

    @GET
    public Uni<BuildResult> component(@RestPath String projectId, @RestPath String sceneId) {
        return scenes.findScene(Ids.uuid("projectId", projectId), Ids.uuid("sceneId", sceneId))
                .chain(components::buildScene);
    }
}
