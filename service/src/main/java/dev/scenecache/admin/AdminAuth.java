package dev.scenecache.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.common.Problem;
import dev.scenecache.common.Problems;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Guards every {@code /admin/**} path (matched or not, on the normalised path, before the body is
 * read): {@code Authorization: Bearer ${ADMIN_TOKEN}} or 401 problem+json.
 *
 * <p>
 * The token is compared in constant time (SHA-256 of both sides, then {@link MessageDigest#isEqual}),
 * so neither its content nor its length leaks through timing. With no {@code ADMIN_TOKEN} the admin
 * API is closed; the local run ({@code ./mvnw -Plocal}) generates a token and prints it. The token is
 * never logged.
 */
@Singleton
public class AdminAuth {

    static final String PREFIX = "/admin";
    private static final Pattern REPEATED_SLASHES = Pattern.compile("/{2,}");

    private final byte[] expected;
    private final Buffer missing;
    private final Buffer wrong;
    private final Buffer closed;

    public AdminAuth(ObjectMapper mapper, @ConfigProperty(name = "admin.token") Optional<String> token)
            throws Exception {
        this.expected = token.map(String::trim).filter(t -> !t.isEmpty()).map(AdminAuth::sha256).orElse(null);
        this.missing = problem(mapper, "This call needs an Authorization: Bearer <ADMIN_TOKEN> header");
        this.wrong = problem(mapper, "The admin token is wrong");
        this.closed = problem(mapper, "The admin API is closed: no ADMIN_TOKEN is configured");
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, 200);
    }

    private void check(RoutingContext rc) {
        // Normalised (dot segments, percent-encoding) and with repeated slashes collapsed: "//admin" too.
        // (This filter runs on every request: the pattern is compiled once, and used only when needed.)
        String path = rc.normalizedPath();
        if (path.contains("//")) {
            path = REPEATED_SLASHES.matcher(path).replaceAll("/");
        }
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            rc.next();
            return;
        }
        if (expected == null) {
            reject(rc, closed);
            return;
        }
        String presented = bearer(rc.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (presented == null) {
            reject(rc, missing);
        } else if (!MessageDigest.isEqual(expected, sha256(presented))) {
            reject(rc, wrong);
        } else {
            rc.next();
        }
    }

    private static String bearer(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static void reject(RoutingContext rc, Buffer body) {
        rc.response()
                .setStatusCode(401)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader("WWW-Authenticate", "Bearer realm=\"scenecache-admin\"")
                .end(body);
    }

    private static Buffer problem(ObjectMapper mapper, String detail) throws Exception {
        return Buffer.buffer(mapper.writeValueAsBytes(
                new Problem(Problems.UNAUTHORIZED, "Unauthorized", 401, detail, List.of())));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
