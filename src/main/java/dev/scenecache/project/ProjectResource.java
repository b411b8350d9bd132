package dev.scenecache.project;

import dev.scenecache.common.ETags;
import dev.scenecache.common.Ids;
import io.smallrye.mutiny.Uni;
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

@Path("/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProjectResource {

    private final ProjectService projects;

    public ProjectResource(ProjectService projects) {
        this.projects = projects;
    }

    @POST
    public Uni<RestResponse<ProjectView>> create(@Valid @NotNull ProjectRequests.CreateProject body, @Context UriInfo uri) {
        return projects.createProject(body).map(p -> RestResponse.ResponseBuilder.<ProjectView>create(RestResponse.Status.CREATED)
                .location(uri.getBaseUriBuilder().path("projects").path(p.id().toString()).build())
                .entity(p)
                .tag(ETags.of(p.version()))
                .build());
    }

    @GET
    @Path("/{projectId}")
    public Uni<RestResponse<byte[]>> get(@RestPath String projectId,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return projects.findProject(Ids.uuid("projectId", projectId))
                .map(p -> ETags.okOrNotModified(p.json(), p.version(), ifNoneMatch));
    }

    @PATCH
    @Path("/{projectId}")
    public Uni<RestResponse<ProjectView>> patch(@RestPath String projectId,
            @Valid @NotNull ProjectRequests.PatchProject body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        var id = Ids.uuid("projectId", projectId);
        body.requireNoNulls();
        return projects.patchProject(id, body, ifMatch)
                .map(p -> RestResponse.ResponseBuilder.ok(p).tag(ETags.of(p.version())).build());
    }

    @DELETE
    @Path("/{projectId}")
    public Uni<RestResponse<Void>> delete(@RestPath String projectId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return projects.deleteProject(Ids.uuid("projectId", projectId), ifMatch).map(v -> RestResponse.noContent());
    }
}
