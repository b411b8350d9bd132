package dev.scenecache.admin;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.logging.Logger;

import dev.scenecache.ai.semantic.SemanticDecisions;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The semantic decision cache for operators: what it served ({@code GET /admin/ai/semantic}: each recent
 * semantic hit with its prompt, the prompt it matched and the score) and a switch
 * ({@code PUT /admin/ai/semantic/enabled}). Like {@code PUT /admin/cache/enabled}, the switch acts on the
 * instance that receives it; switching off stops every semantic answer of that instance at once (no
 * semantic answer is stored under another prompt's key). Behind {@link AdminAuth} like all of /admin.
 */
@Path("/admin/ai/semantic")
@Produces(MediaType.APPLICATION_JSON)
public class SemanticAdminResource {

    private static final Logger LOG = Logger.getLogger(SemanticAdminResource.class);

    @RegisterForReflection
    public record SemanticView(boolean available, boolean enabled, double threshold, boolean modelLoaded, long hits,
            List<SemanticDecisions.Hit> recentHits) {
    }

    private final SemanticDecisions semantic;

    public SemanticAdminResource(SemanticDecisions semantic) {
        this.semantic = semantic;
    }

    @GET
    public SemanticView view() {
        return new SemanticView(semantic.available(), semantic.enabled(), semantic.threshold(), semantic.modelLoaded(),
                semantic.hits(),
                semantic.audit());
    }

    @PUT
    @Path("/enabled")
    @Consumes(MediaType.APPLICATION_JSON)
    public SemanticView enabled(
            @Valid @NotNull(message = "a body {\"enabled\": true|false} is required") AdminResource.EnabledRequest request) {
        semantic.setEnabled(request.enabled());
        LOG.infof("Semantic decision cache switched %s at run time", request.enabled() ? "on" : "off");
        return view();
    }
}
