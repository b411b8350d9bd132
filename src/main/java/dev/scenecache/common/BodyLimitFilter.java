package dev.scenecache.common;

import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * Answers 413 problem+json for a request whose declared length exceeds {@link #MAX_BODY_BYTES},
 * before its body is read. A chunked body that grows past the limit is cut by Quarkus' own
 * {@code quarkus.http.limits.max-body-size} (also 1 MiB), which answers 413 too.
 */
@Singleton
public class BodyLimitFilter {

    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private final byte[] problem;

    public BodyLimitFilter(ObjectMapper mapper) throws Exception {
        this.problem = mapper.writeValueAsBytes(new Problem(Problems.TOO_LARGE, "Content too large", 413,
                "The request body exceeds the limit of " + MAX_BODY_BYTES + " bytes", List.of()));
    }

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && exceeds(length)) {
                rc.response()
                        .setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(Buffer.buffer(problem));
                return;
            }
            rc.next();
        }, 100);
    }

    private static boolean exceeds(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
