package dev.scenecache.common;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Path ids are taken as strings and parsed here, so that a malformed UUID answers 400 with the field
 * named (JAX-RS would answer 404 for a path parameter it cannot convert).
 */
public final class Ids {

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private Ids() {
    }

    /** The canonical 8-4-4-4-12 hex form only (UUID.fromString alone also takes shortened groups). */
    public static UUID uuid(String field, String text) {
        if (text == null || text.length() != 36) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    throw ProblemException.invalid(field, "must be a UUID");
                }
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0) {
                throw ProblemException.invalid(field, "must be a UUID");
            }
            if (digits++ < 16) {
                high = (high << 4) | d;
            } else {
                low = (low << 4) | d;
            }
        }
        return new UUID(high, low);
    }

    public static String userId(String text) {
        if (text == null || !USER_ID.matcher(text).matches()) {
            throw ProblemException.invalid("userId", "must be 1-128 of [A-Za-z0-9_.-]");
        }
        return text;
    }
}
