package dev.scenecache.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
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
 * read): {@code Authorization: Bearer <token>} or 401 problem+json.
 *
 * <p>
 * Tokens: {@code ADMIN_TOKEN} (one, or two separated by a comma while a new one is rolled out) and/or
 * {@code ADMIN_TOKEN_SHA256} (the SHA-256 of one or two tokens, 64 hex digits each, comma-separated: the
 * plain token need not sit in the environment at all; {@code printf %s "$TOKEN" | sha256sum}). A
 * malformed digest stops the start, saying which entry (never its value). The presented token is
 * compared in constant time with every accepted one (SHA-256 of both sides, then
 * {@link MessageDigest#isEqual}, all of them checked), so neither content nor length leaks through
 * timing. With no token at all the admin API is closed; the local run ({@code ./mvnw -Plocal}) generates
 * a token and prints it. Tokens are never logged.
 */
@Singleton
public class AdminAuth {

    static final String PREFIX = "/admin";
    private static final Pattern REPEATED_SLASHES = Pattern.compile("/{2,}");

    /** The SHA-256 of every accepted token; empty: the admin API is closed. */
    private final List<byte[]> expected;
    private final Buffer missing;
    private final Buffer wrong;
    private final Buffer closed;

    public AdminAuth(ObjectMapper mapper, @ConfigProperty(name = "admin.token") Optional<String> token,
            @ConfigProperty(name = "admin.token-sha256") Optional<String> tokenSha256) throws Exception {
        this.expected = accepted(token, tokenSha256);
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
        if (expected.isEmpty()) {
            reject(rc, closed);
            return;
        }
        String presented = bearer(rc.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (presented == null) {
            reject(rc, missing);
        } else if (!accepts(expected, presented)) {
            reject(rc, wrong);
        } else {
            rc.next();
        }
    }

    /** The digests of the tokens {@code ADMIN_TOKEN} and {@code ADMIN_TOKEN_SHA256} name (at most two each). */
    static List<byte[]> accepted(Optional<String> tokens, Optional<String> sha256s) {
        List<byte[]> digests = new ArrayList<>();
        List<String> plain = entries(tokens, "ADMIN_TOKEN");
        plain.forEach(t -> digests.add(sha256(t)));
        List<String> hashed = entries(sha256s, "ADMIN_TOKEN_SHA256");
        for (int i = 0; i < hashed.size(); i++) {
            String hex = hashed.get(i).toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("ADMIN_TOKEN_SHA256: entry " + (i + 1)
                        + " is not a SHA-256 digest (64 hex digits)");
            }
            digests.add(HexFormat.of().parseHex(hex));
        }
        return List.copyOf(digests);
    }

    private static List<String> entries(Optional<String> value, String name) {
        List<String> entries = value.map(v -> Arrays.stream(v.split(",")).map(String::trim)
                .filter(e -> !e.isEmpty()).toList()).orElse(List.of());
        if (entries.size() > 2) {
            throw new IllegalArgumentException(name + ": at most two, for a rotation; " + entries.size() + " given");
        }
        return entries;
    }

    /** Whether {@code presented} is one of the tokens; every digest is compared, whatever the first ones gave. */
    static boolean accepts(List<byte[]> digests, String presented) {
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] expected : digests) {
            match |= MessageDigest.isEqual(expected, digest);
        }
        return match;
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
