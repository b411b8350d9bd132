package dev.scenecache.bench;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /bench/peers/loads}: how many times the peers loaded a scene from PostgreSQL (their
 * misses; they answer no {@code X-Cache}), for the benchmark's hit rates. Off (404) unless
 * {@code BENCH_PEERS_ENABLED=true}.
 */
@Path("/bench/peers/loads")
public class PeerLoadsResource {

    private final boolean enabled;
    private final PeerScenes peers;

    public PeerLoadsResource(@ConfigProperty(name = "bench.peers-enabled", defaultValue = "false") boolean enabled,
            PeerScenes peers) {
        this.enabled = enabled;
        this.peers = peers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Long> loads() {
        if (!enabled) {
            throw new NotFoundException();
        }
        return Map.of("loads", peers.loads());
    }
}
