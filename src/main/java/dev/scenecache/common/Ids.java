package dev.scenecache.common;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Path ids are taken as strings and parsed here, so that a malformed UUID answers 400 with the field
 * named (JAX-RS would answer 404 for a path parameter it cannot convert).
 */
public final class Ids {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private Ids() {}

    public static UUID uuid(String field, String text) {
        if (text == null || !UUID_TEXT.matcher(text).matches()) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
        return UUID.fromString(text);
    }

    public static String userId(String text) {
        if (text == null || !USER_ID.matcher(text).matches()) {
            throw ProblemException.invalid("userId", "must be 1-128 of [A-Za-z0-9_.-]");
        }
        return text;
    }
}
