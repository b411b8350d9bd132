package dev.scenecache.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Strict: nothing but the page's own inline script and style, by their SHA-256 (computed from the
     * page as shipped, so editing it cannot leave a stale hash), and requests to this origin; no framing,
     * no forms, no base URI, no plugins. Style changes the script makes go through the CSSOM, which a
     * style-src without {@code 'unsafe-inline'} allows (a {@code style} attribute would not be).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src " + hashes("script")
            + "; style-src " + hashes("style") + "; connect-src 'self'; img-src 'self' data:; base-uri 'none';"
            + " form-action 'none'; frame-ancestors 'none'";

    @GET
    @Produces(MediaType.TEXT_HTML)
    public RestResponse<byte[]> page() {
        return RestResponse.ResponseBuilder.ok(PAGE)
                .header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Frame-Options", "DENY")
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .build();
    }

    /** The CSP sources of every inline {@code <tag>} element of the page: {@code 'sha256-...'} each. */
    static String hashes(String tag) {
        String page = new String(PAGE, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<" + tag + ">(.*?)</" + tag + ">",
                Pattern.DOTALL).matcher(page);
        List<String> sources = new ArrayList<>();
        while (m.find()) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(m.group(1).getBytes(StandardCharsets.UTF_8));
                sources.add("'sha256-" + Base64.getEncoder().encodeToString(digest) + "'");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return sources.isEmpty() ? "'none'" : String.join(" ", sources);
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
