package dev.scenecache.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code GET /dashboard}: the monitoring page, one static file ({@code resources/dashboard/index.html},
 * no build step, no external assets). It asks for the admin token, keeps it in the tab's session storage
 * only, and polls {@code /admin/cache/stats} and {@code /q/health/ready} every two seconds.
 */
@Path("/dashboard")
public class DashboardResource {

    private static final byte[] PAGE = load();

    @GET
    @Produces(MediaType.TEXT_HTML)
    public RestResponse<byte[]> page() {
        return RestResponse.ResponseBuilder.ok(PAGE)
                .header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    private static byte[] load() {
        try (InputStream in = DashboardResource.class.getResourceAsStream("/dashboard/index.html")) {
            if (in == null) {
                throw new IllegalStateException("Missing dashboard/index.html");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
