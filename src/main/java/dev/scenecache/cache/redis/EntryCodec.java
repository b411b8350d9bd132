package dev.scenecache.cache.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The bytes of a cache entry in Redis: an 82-byte ASCII header, then the payload.
 *
 * <pre>
 *  [0]      format version, '3'
 *  [1]      kind: 'j' JSON, 'z' deflated JSON, 'n' negative (not found; payload is the detail),
 *           'f' version floor (no payload: a miss that no older version may replace, only a fill)
 *  [2..17]  the cache's generation, 16 hex digits
 *  [18..33] the entry group's generation, 16 hex digits
 *  [34..49] the version of the entity the value shows (0 when it has none), 16 hex digits
 *  [50..65] when the value was stored (read from its source or written through), epoch ms, 16 hex digits
 *  [66..81] until when it is fresh (stored-at plus the cache's TTL, jittered), epoch ms, 16 hex digits
 * </pre>
 *
 * The Redis key lives longer than the entry is fresh: for the caches that serve stale-if-error, its
 * expiry is fresh-until plus the grace ({@code cache.stale-if-error}). A read treats an entry past its
 * fresh-until as a miss (and may answer it only when the source fails: stale-if-error, in {@code cache.read}); L1
 * keeps a value no longer than its fresh-until either. The times are the writer's clock: instances'
 * clocks are assumed synchronised (NTP) to well under a TTL.
 *
 * The generations and the version sit at fixed offsets so the Lua scripts can compare them with
 * {@code string.sub}: a write-through never replaces a newer version.
 * Anything that does not parse (another format version, a foreign value, garbage) decodes to null: a
 * miss, never an error.
 */
public final class EntryCodec {

    public static final int HEADER = 82;
    static final byte FORMAT = '3';
    /** The version of a deletion's tombstone: above every real version, within Lua's exact integers. */
    public static final long TOMBSTONE_VERSION = (1L << 53) - 1;

    public record Decoded(boolean negative, byte[] payload, long cacheGeneration, long groupGeneration, long version,
            long storedAtMillis, long freshUntilMillis) {
    }

    private EntryCodec() {
    }

    public static byte[] encode(boolean negative, byte[] payload, long cacheGeneration, long groupGeneration,
            long version, long storedAtMillis, long freshUntilMillis, int compressAbove) {
        byte kind = negative ? (byte) 'n' : (byte) 'j';
        byte[] body = payload;
        if (!negative && payload.length > compressAbove) {
            byte[] deflated = deflate(payload);
            if (deflated.length < payload.length) {
                body = deflated;
                kind = 'z';
            }
        }
        byte[] out = new byte[HEADER + body.length];
        out[0] = FORMAT;
        out[1] = kind;
        writeHex(out, 2, cacheGeneration);
        writeHex(out, 18, groupGeneration);
        writeHex(out, 34, version);
        writeHex(out, 50, storedAtMillis);
        writeHex(out, 66, freshUntilMillis);
        System.arraycopy(body, 0, out, HEADER, body.length);
        return out;
    }

    /**
     * A version floor: written instead of a value its writer could not store safely (group generation
     * unknown, value too large), so that a slower write of an older version cannot land after it.
     * Reads treat it as a miss and their fill replaces it. The group generation is stamped by the
     * write script ({@link WriteOp#currentGroupGeneration}).
     */
    public static byte[] floor(long cacheGeneration, long version) {
        byte[] out = new byte[HEADER];
        out[0] = FORMAT;
        out[1] = 'f';
        writeHex(out, 2, cacheGeneration);
        writeHex(out, 18, 0);
        writeHex(out, 34, version);
        writeHex(out, 50, 0);
        writeHex(out, 66, 0);
        return out;
    }

    /**
     * True when {@code bytes} is a value (not a floor) of this format stamped with these generations:
     * the hit test of {@code read.lua}, for reads that fetch the entry without the script.
     */
    public static boolean isCurrent(byte[] bytes, long cacheGeneration, long groupGeneration) {
        return bytes != null && bytes.length >= HEADER && bytes[0] == FORMAT
                && (bytes[1] == 'j' || bytes[1] == 'z' || bytes[1] == 'n')
                && isHex(bytes, 2, cacheGeneration) && isHex(bytes, 18, groupGeneration);
    }

    /** The version a version floor ({@link #floor}) keeps older writes below; -1 when {@code bytes} is not a floor. */
    public static long floorVersion(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER && bytes[0] == FORMAT && bytes[1] == 'f' ? readHex(bytes, 34) : -1;
    }

    /** The cache generation an entry of this format is stamped with. */
    public static long cacheGeneration(byte[] entry) {
        return readHex(entry, 2);
    }

    /** Until when a current entry ({@link #isCurrent}) is fresh, epoch ms. */
    public static long freshUntil(byte[] current) {
        return readHex(current, 66);
    }

    /** The 16 lowercase hex digits at {@code at} are exactly {@code value}'s (as Lua's {@code %016x}). */
    private static boolean isHex(byte[] in, int at, long value) {
        for (int i = 15; i >= 0; i--) {
            if (in[at + i] != (byte) Character.forDigit((int) (value & 0xF), 16)) {
                return false;
            }
            value >>>= 4;
        }
        return true;
    }

    /** The entry, or null when the bytes are not an entry of this format. */
    public static Decoded decode(byte[] bytes, int maxPayload) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != FORMAT) {
            return null;
        }
        long cacheGen = readHex(bytes, 2);
        long groupGen = readHex(bytes, 18);
        long version = readHex(bytes, 34);
        long storedAt = readHex(bytes, 50);
        long freshUntil = readHex(bytes, 66);
        if (cacheGen < 0 || groupGen < 0 || version < 0 || storedAt < 0 || freshUntil < 0) {
            return null;
        }
        byte[] body = Arrays.copyOfRange(bytes, HEADER, bytes.length);
        return switch (bytes[1]) {
            case 'j' -> new Decoded(false, body, cacheGen, groupGen, version, storedAt, freshUntil);
            case 'n' -> new Decoded(true, body, cacheGen, groupGen, version, storedAt, freshUntil);
            case 'z' -> {
                byte[] inflated = inflate(body, maxPayload);
                yield inflated == null ? null
                        : new Decoded(false, inflated, cacheGen, groupGen, version, storedAt, freshUntil);
            }
            default -> null;
        };
    }

    public static String hex(long value) {
        byte[] out = new byte[16];
        writeHex(out, 0, value);
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static void writeHex(byte[] out, int at, long value) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = (byte) Character.forDigit((int) (value & 0xF), 16);
            value >>>= 4;
        }
    }

    private static long readHex(byte[] in, int at) {
        long value = 0;
        for (int i = 0; i < 16; i++) {
            int digit = Character.digit(in[at + i], 16);
            if (digit < 0) {
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private static byte[] deflate(byte[] input) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(input);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 2 + 64);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Inflates at most {@code max} bytes; more (a decompression bomb) or corrupt input gives null. */
    private static byte[] inflate(byte[] input, int max) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 3);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null;
                }
                if (out.size() + n > max) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }
}
