package dev.scenecache.bench;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestPath;

import dev.scenecache.common.Ids;
import dev.scenecache.scene.SceneRequests;
import dev.scenecache.scene.SceneService;
import io.smallrye.mutiny.Uni;

/**
 * The benchmark's peers (e) {@code cache-result} and (f) {@code cache-aside} behind the scene API's
 * shape: {@code /bench/peers/{variant}/projects/{p}/scenes/{s}}, GET and PATCH. Off (404) unless
 * {@code BENCH_PEERS_ENABLED=true}. A PATCH writes through scenecache's own service (the same
 * transaction and row lock), then invalidates the peer's entry as its users would.
 */
@Path("/bench/peers/{variant}/projects/{projectId}/scenes/{sceneId}")
@Produces(MediaType.APPLICATION_JSON)
public class PeerResource {

    private final boolean enabled;
    private final PeerScenes peers;
    private final SceneService scenes;

    public PeerResource(@ConfigProperty(name = "bench.peers-enabled", defaultValue = "false") boolean enabled,
            PeerScenes peers, SceneService scenes) {
        this.enabled = enabled;
        this.peers = peers;
        this.scenes = scenes;
    }

    @GET
    public Uni<Object> read(@RestPath String variant, @RestPath String projectId, @RestPath String sceneId) {
        UUID p = Ids.uuid("projectId", projectId);
        UUID s = Ids.uuid("sceneId", sceneId);
        return switch (variant(variant)) {
            case "cache-result" -> peers.cached(p, s).map(json -> (Object) json);
            default -> peers.aside(p, s);
        };
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Object> write(@RestPath String variant, @RestPath String projectId, @RestPath String sceneId,
            @Valid SceneRequests.PatchScene patch) {
        UUID p = Ids.uuid("projectId", projectId);
        UUID s = Ids.uuid("sceneId", sceneId);
        String which = variant(variant);
        return scenes.patchScene(p, s, patch, null)
                .call(() -> which.equals("cache-result") ? peers.forget(p, s) : peers.asideForget(p, s))
                .map(view -> (Object) view);
    }

    private String variant(String variant) {
        if (!enabled || !(variant.equals("cache-result") || variant.equals("cache-aside"))) {
            throw new NotFoundException();
        }
        return variant;
    }
}
