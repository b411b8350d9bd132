package dev.scenecache.cache;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON body already encoded, with the version of the entity it shows (0 when it has none). Cached as
 * these very bytes, so a hit is written to the client without decoding or encoding anything.
 */
public record JsonDocument(byte[] json, long version) {

    /** The JSON of {@code view} as the API writes it (the same mapper, so the same bytes). */
    public static JsonDocument of(ObjectMapper mapper, Object view, long version) {
        try {
            return new JsonDocument(mapper.writeValueAsBytes(view), version);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A view that cannot be written as JSON: " + view.getClass(), e);
        }
    }

    public String text() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
