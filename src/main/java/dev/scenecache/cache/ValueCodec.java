package dev.scenecache.cache;

/** Turns a cached method's values into entry payloads and back; null from decode means a miss. */
public interface ValueCodec {
    byte[] encode(Object value) throws Exception;

    Object decode(byte[] payload) throws Exception;

    /** The version of the entity the value shows; 0 when it has none. */
    default long version(Object value) {
        return 0;
    }
}
