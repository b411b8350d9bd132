package dev.scenecache.project;

import java.util.UUID;

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

import dev.scenecache.common.ETags;
import dev.scenecache.common.Ids;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

@Path("/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProjectResource {

    private final ProjectService projects;
    private final ProjectWarmer warmer;

    public ProjectResource(ProjectService projects, ProjectWarmer warmer) {
        this.projects = projects;
        this.warmer = warmer;
    }

    /** The editor opened the project: warm its cache entries in the background; 202 at once. */
    @POST
    @Path("/{projectId}/open")
    @Consumes(MediaType.WILDCARD)
    public Uni<RestResponse<OpenView>> open(@RestPath String projectId) {
        UUID id = Ids.uuid("projectId", projectId);
        return warmer.open(id).map(x -> RestResponse.status(RestResponse.Status.ACCEPTED, new OpenView(id, true)));
    }

    @RegisterForReflection
    public record OpenView(UUID projectId, boolean warming) {
    }

    @POST
    public Uni<RestResponse<ProjectView>> create(@Valid @NotNull ProjectRequests.CreateProject body, @Context UriInfo uri) {
        return projects.createProject(body)
                .map(p -> RestResponse.ResponseBuilder.<ProjectView> create(RestResponse.Status.CREATED)
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
