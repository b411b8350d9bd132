package dev.scenecache.bench;

import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import dev.scenecache.common.ETags;
import dev.scenecache.common.Ids;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;

/**
 * The HTTP floors of the benchmarks, answered on the event loop through the same REST stack as a cached
 * read, with a constant JSON body of a scene's size. Off (404) unless {@code BENCH_FLOOR_ENABLED=true}.
 *
 * <ul>
 * <li>{@code GET /bench/floor}: the bare floor, one fixed path, no parameters, no ETag.</li>
 * <li>{@code GET /bench/floor/projects/{projectId}/scenes/{sceneId}}: the floor of the scene endpoint's
 * shape: the same path template, the two ids parsed and checked as the scene endpoint does, its
 * {@code If-None-Match} and {@code ETag}, and a {@code Uni} answer; everything a scene read does but the
 * cache (the lookup, its bookkeeping and its headers).</li>
 * </ul>
 */
@Path("/bench/floor")
public class FloorResource {

    private final boolean enabled;
    private final byte[] body;
    private final byte[] scene;

    public FloorResource(@ConfigProperty(name = "bench.floor-enabled", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "bench.floor-bytes", defaultValue = "1900") int size) {
        this.enabled = enabled;
        this.body = json(size, "\"}");
        this.scene = json(size, "\",\"version\":1}"); // a scene's last field, which the load generator reads
    }

    private static byte[] json(int size, String end) {
        StringBuilder json = new StringBuilder("{\"id\":\"00000000-0000-0000-0000-000000000000\",\"tsxCode\":\"");
        while (json.length() < size - end.length()) {
            json.append('x');
        }
        return json.append(end).toString().getBytes(StandardCharsets.UTF_8);
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

    @GET
    @Path("/projects/{projectId}/scenes/{sceneId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<byte[]>> scene(@RestPath String projectId, @RestPath String sceneId,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        if (!enabled) {
            throw new NotFoundException();
        }
        Ids.uuid("projectId", projectId);
        Ids.uuid("sceneId", sceneId);
        return Uni.createFrom().item(scene).map(json -> ETags.okOrNotModified(json, 1, ifNoneMatch));
    }
}
