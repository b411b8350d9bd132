package dev.scenecache.ai;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;

import dev.scenecache.common.Ids;
import dev.scenecache.common.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

@Path("/projects/{projectId}/decisions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DecisionResource {

    @RegisterForReflection
    public record DecisionRequest(
            @NotNull(message = "is required") @Size(min = 1, max = 8000, message = "must be 1 to 8000 characters") String prompt,
            String userId) {
    }

    private final DecisionService decisions;

    public DecisionResource(DecisionService decisions) {
        this.decisions = decisions;
    }

    @POST
    public Uni<DecisionView> decide(@RestPath String projectId,
            @Valid @NotNull(message = "a body {\"prompt\", \"userId\"?} is required") DecisionRequest request) {
        UUID id = Ids.uuid("projectId", projectId);
        if (request.userId() != null) {
            Ids.userId(request.userId());
        }
        if (request.prompt().isBlank()) {
            throw ProblemException.invalid("prompt", "must not be blank");
        }
        return decisions.decide(id, request.prompt());
    }
}
