package dev.scenecache.cache;

import java.nio.charset.StandardCharsets;

/**
 * A JSON body already encoded, with the version of the entity it shows (0 when it has none). Cached as
 * these very bytes, so a hit is written to the client without decoding or encoding anything.
 */
public record JsonDocument(byte[] json, long version) {

    public String text() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
