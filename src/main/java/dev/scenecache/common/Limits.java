package dev.scenecache.common;

/** Size limits of API.md that bean validation cannot express (they count UTF-8 bytes, not characters). */
public final class Limits {

    public static final int TSX_CODE_MAX_BYTES = 256 * 1024;
    public static final int PROPS_MAX_BYTES = 64 * 1024;
    public static final int PREFERENCES_MAX_BYTES = 16 * 1024;

    private Limits() {
    }

    /** The UTF-8 length of a string, without encoding it. */
    public static long utf8Length(CharSequence s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
