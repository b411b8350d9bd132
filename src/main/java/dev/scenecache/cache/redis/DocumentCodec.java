package dev.scenecache.cache.redis;

import java.nio.ByteBuffer;

import dev.scenecache.cache.JsonDocument;
import dev.scenecache.cache.ValueCodec;

/** A {@link JsonDocument} as its version (8 bytes) then its JSON bytes, as they are. */
public final class DocumentCodec implements ValueCodec {

    public static final DocumentCodec INSTANCE = new DocumentCodec();

    @Override
    public byte[] encode(Object value) {
        JsonDocument doc = (JsonDocument) value;
        return ByteBuffer.allocate(8 + doc.json().length).putLong(doc.version()).put(doc.json()).array();
    }

    @Override
    public Object decode(byte[] payload) {
        if (payload.length < 9) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        long version = buffer.getLong();
        byte[] json = new byte[payload.length - 8];
        buffer.get(json);
        return new JsonDocument(json, version);
    }

    @Override
    public long version(Object value) {
        return ((JsonDocument) value).version();
    }
}
