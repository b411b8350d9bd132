package dev.scenecache.bench;

import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.common.annotation.NonBlocking;

/**
 * The HTTP floor of the benchmarks: a constant JSON body of a scene's size, answered on the event loop
 * through the same REST stack as a cached read. Off (404) unless {@code BENCH_FLOOR_ENABLED=true}.
 */
@Path("/bench/floor")
public class FloorResource {

    private final boolean enabled;
    private final byte[] body;

    public FloorResource(@ConfigProperty(name = "bench.floor-enabled", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "bench.floor-bytes", defaultValue = "1900") int size) {
        this.enabled = enabled;
        StringBuilder json = new StringBuilder("{\"id\":\"00000000-0000-0000-0000-000000000000\",\"tsxCode\":\"");
        while (json.length() < size - 2) {
            json.append('x');
        }
        this.body = json.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] floor() {
        if (!enabled) {
            throw new NotFoundException();
        }
        return body;
    }
}
