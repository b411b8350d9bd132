package dev.scenecache.component;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scenecache.common.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** Component builds of API.md: a compile error is a 200 with {@code success: false}, not an HTTP error. */
@Path("/components")
@Produces(MediaType.APPLICATION_JSON)
public class ComponentResource {

    @RegisterForReflection
    public record BuildRequest(@NotNull(message = "is required") String tsxCode, JsonNode props) {
    }

    private final ComponentService components;

    public ComponentResource(ComponentService components) {
        this.components = components;
    }

    @POST
    @Path("/build")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<BuildResult> build(
            @Valid @NotNull(message = "a body {\"tsxCode\", \"props\"?} is required") BuildRequest request) {
        if (request.props() != null && !request.props().isNull() && !request.props().isObject()) {
            throw ProblemException.invalid("props", "must be a JSON object");
        }
        return components.build(request.tsxCode(), request.props());
    }
}
