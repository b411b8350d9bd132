package dev.scenecache.admin;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.logging.Logger;

import dev.scenecache.ai.semantic.SemanticDecisions;
import dev.scenecache.ai.semantic.SemanticShadow;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The semantic decision cache for operators: what it served ({@code GET /admin/ai/semantic}: each recent
 * semantic hit with its prompt, the prompt it matched and the score) and a switch
 * ({@code PUT /admin/ai/semantic/enabled}, or {@code /mode} for {@code off|on|shadow}); in shadow mode, how often the
 * brain agreed with the matches and the recent disagreements. Like {@code PUT /admin/cache/enabled}, the switch acts on the
 * instance that receives it; switching off stops every semantic answer of that instance at once (no
 * semantic answer is stored under another prompt's key). Behind {@link AdminAuth} like all of /admin.
 */
@Path("/admin/ai/semantic")
@Produces(MediaType.APPLICATION_JSON)
public class SemanticAdminResource {

    private static final Logger LOG = Logger.getLogger(SemanticAdminResource.class);

    @RegisterForReflection
    public record SemanticView(boolean available, boolean enabled, String mode, double threshold, boolean modelLoaded,
            long hits, List<SemanticDecisions.Hit> recentHits, ShadowView shadow) {
    }

    /** Shadow mode's comparisons since start: agreements, disagreements, and the recent disagreements. */
    @RegisterForReflection
    public record ShadowView(long agreed, long disagreed, List<SemanticShadow.Disagreement> recentDisagreements) {
    }

    /** {@code {"mode": "off" | "on" | "shadow"}} ({@code false}/{@code true} too). */
    @RegisterForReflection
    public record ModeRequest(
            @NotNull(message = "mode is required") @Pattern(regexp = "(?i)off|on|false|true|shadow", message = "mode must be off, on or shadow") String mode) {
    }

    private final SemanticDecisions semantic;

    public SemanticAdminResource(SemanticDecisions semantic) {
        this.semantic = semantic;
    }

    @GET
    public SemanticView view() {
        SemanticShadow shadow = semantic.shadowComparisons();
        return new SemanticView(semantic.available(), semantic.enabled(),
                semantic.mode().name().toLowerCase(java.util.Locale.ROOT), semantic.threshold(), semantic.modelLoaded(),
                semantic.hits(), semantic.audit(),
                new ShadowView(shadow.agreed(), shadow.disagreed(), shadow.disagreements()));
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

    @PUT
    @Path("/mode")
    @Consumes(MediaType.APPLICATION_JSON)
    public SemanticView mode(
            @Valid @NotNull(message = "a body {\"mode\": \"off|on|shadow\"} is required") ModeRequest request) {
        semantic.setMode(SemanticDecisions.Mode.of(request.mode()));
        LOG.infof("Semantic decision cache mode set to %s at run time", semantic.mode());
        return view();
    }
}
