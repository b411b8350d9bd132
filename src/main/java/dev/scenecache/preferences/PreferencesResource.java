package dev.scenecache.preferences;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scenecache.common.ETags;
import dev.scenecache.common.Ids;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

@Path("/users/{userId}/preferences")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PreferencesResource {

    /** {@code PUT} body: the whole preferences object, at most 16 KiB serialized. */
    @RegisterForReflection
    public record PutPreferences(@NotNull ObjectNode preferences) {
    }

    private final PreferencesService service;

    public PreferencesResource(PreferencesService service) {
        this.service = service;
    }

    @GET
    public Uni<RestResponse<byte[]>> get(@RestPath String userId,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return service.findPreferences(Ids.userId(userId))
                .map(p -> ETags.okOrNotModified(p.json(), p.version(), ifNoneMatch));
    }

    @PUT
    public Uni<RestResponse<PreferencesView>> put(@RestPath String userId, @Valid @NotNull PutPreferences body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return service.putPreferences(Ids.userId(userId), body.preferences(), ifMatch)
                .map(p -> RestResponse.ResponseBuilder.ok(p).tag(ETags.of(p.version())).build());
    }
}
