package dev.scenecache.common;

import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * Strong ETags built from an entity's version, and the two conditional checks of RFC 9110:
 * {@code If-None-Match} (weak comparison, answers 304) and {@code If-Match} (strong comparison, 412).
 */
public final class ETags {

    private ETags() {
    }

    public static EntityTag of(long version) {
        return new EntityTag(Long.toString(version));
    }

    /** True when an {@code If-None-Match} header names the current version (or is {@code *}). */
    public static boolean noneMatchHits(String ifNoneMatch, long version) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        String current = Long.toString(version);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals('"' + current + '"')) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when an {@code If-Match} header is absent or names the current version with a strong tag.
     * A weak tag never matches (RFC 9110 §13.1.1).
     */
    public static boolean matches(String ifMatch, long version) {
        if (ifMatch == null) {
            return true;
        }
        String current = '"' + Long.toString(version) + '"';
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(current)) {
                return true;
            }
        }
        return false;
    }

    /** 200 with the body and its ETag, or 304 with the ETag alone when the client has it already. */
    public static <T> RestResponse<T> okOrNotModified(T body, long version, String ifNoneMatch) {
        if (noneMatchHits(ifNoneMatch, version)) {
            return RestResponse.ResponseBuilder.<T> create(Response.Status.NOT_MODIFIED).tag(of(version)).build();
        }
        return RestResponse.ResponseBuilder.ok(body).tag(of(version)).build();
    }
}
