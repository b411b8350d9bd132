package dev.scenecache.scene;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import dev.scenecache.cache.JsonDocument;
import dev.scenecache.common.ETags;
import dev.scenecache.common.Ids;
import dev.scenecache.common.RequestValidation;
import io.smallrye.mutiny.Uni;

@Path("/projects/{projectId}/scenes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SceneResource {

    private final SceneService scenes;
    private final RequestValidation validation;

    public SceneResource(SceneService scenes, RequestValidation validation) {
        this.scenes = scenes;
        this.validation = validation;
    }

    @GET
    public Uni<byte[]> list(@RestPath String projectId) {
        return scenes.listScenes(Ids.uuid("projectId", projectId)).map(JsonDocument::json);
    }

    @POST
    public Uni<RestResponse<SceneView>> create(@RestPath String projectId,
            @Valid @NotNull SceneRequests.CreateScene body, @Context UriInfo uri) {
        return scenes.createScene(Ids.uuid("projectId", projectId), body)
                .map(s -> RestResponse.ResponseBuilder.<SceneView> create(RestResponse.Status.CREATED)
                        .location(uri.getBaseUriBuilder().path("projects").path(projectId).path("scenes")
                                .path(s.id().toString()).build())
                        .entity(s)
                        .tag(ETags.of(s.version()))
                        .build());
    }

    @GET
    @Path("/{sceneId}")
    public Uni<RestResponse<byte[]>> get(@RestPath String projectId, @RestPath String sceneId,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return scenes.findScene(Ids.uuid("projectId", projectId), Ids.uuid("sceneId", sceneId))
                .map(s -> ETags.okOrNotModified(s.json(), s.version(), ifNoneMatch));
    }

    @PATCH
    @Path("/{sceneId}")
    public Uni<RestResponse<byte[]>> patch(@RestPath String projectId, @RestPath String sceneId,
            SceneRequests.PatchScene body, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        validation.valid(body); // not @Valid @NotNull, and first as they were: see RequestValidation
        var project = Ids.uuid("projectId", projectId);
        var scene = Ids.uuid("sceneId", sceneId);
        body.requireNoNulls();
        return scenes.patchScene(project, scene, body, ifMatch)
                .map(s -> RestResponse.ResponseBuilder.ok(s.json()).tag(ETags.of(s.version())).build());
    }

    @DELETE
    @Path("/{sceneId}")
    public Uni<RestResponse<Void>> delete(@RestPath String projectId, @RestPath String sceneId,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return scenes.deleteScene(Ids.uuid("projectId", projectId), Ids.uuid("sceneId", sceneId), ifMatch)
                .map(v -> RestResponse.noContent());
    }
}
