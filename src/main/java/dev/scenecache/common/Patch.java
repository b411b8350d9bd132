package dev.scenecache.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Base of PATCH bodies: remembers which fields the client sent, so that an absent field keeps its value
 * while an explicit {@code null} for a required field is an input error rather than silently ignored.
 * Subclasses call {@link #sent(String, Object)} from each setter.
 */
public abstract class Patch {

    private final Set<String> sent = new TreeSet<>();
    private final Set<String> sentNull = new TreeSet<>();

    protected final <T> T sent(String field, T value) {
        sent.add(field);
        if (value == null) {
            sentNull.add(field);
        }
        return value;
    }

    public boolean has(String field) {
        return sent.contains(field) && !sentNull.contains(field);
    }

    public boolean isEmpty() {
        return sent.isEmpty();
    }

    /** Fails with 400 naming every field that was sent as {@code null}. */
    public void requireNoNulls() {
        if (!sentNull.isEmpty()) {
            List<Problem.FieldError> errors = new ArrayList<>();
            for (String field : sentNull) {
                errors.add(new Problem.FieldError(field, "must not be null"));
            }
            throw ProblemException.invalid(errors);
        }
    }
}
