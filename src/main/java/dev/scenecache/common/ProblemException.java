package dev.scenecache.common;

import java.util.List;

/**
 * A failure that the client caused or must know about, answered as a {@link Problem} with its status.
 * Thrown (or failed into a {@code Uni}) by services; turned into the response by {@link ProblemMappers}.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<Problem.FieldError> errors;
    private String retryAfterSeconds;

    public ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new Problem.FieldError(field, message)));
    }

    public static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(400, Problems.INVALID_INPUT, "Invalid input",
                "The request has " + errors.size() + " invalid " + (errors.size() == 1 ? "field" : "fields"), errors);
    }

    public static ProblemException notFound(String what, Object id) {
        return new ProblemException(404, Problems.NOT_FOUND, "Not found", what + " [" + id + "] does not exist", List.of());
    }

    public static ProblemException preconditionFailed(String detail) {
        return new ProblemException(412, Problems.PRECONDITION_FAILED, "Precondition failed", detail, List.of());
    }

    public static ProblemException tooLarge(String field, String message) {
        return new ProblemException(413, Problems.TOO_LARGE, "Content too large", message,
                List.of(new Problem.FieldError(field, message)));
    }

    /** 503: the service is overloaded right now; the client should retry after {@code seconds}. */
    public static ProblemException unavailable(String detail, int seconds) {
        ProblemException e = new ProblemException(503, Problems.SERVICE_UNAVAILABLE, "Service unavailable", detail,
                List.of());
        e.retryAfterSeconds = Integer.toString(seconds);
        return e;
    }

    /** 429: an AI spend limit is reached; the client may try again after {@code seconds}. */
    public static ProblemException spendLimit(String detail, long seconds) {
        ProblemException e = new ProblemException(429, Problems.AI_SPEND_LIMIT, "AI spend limit reached", detail,
                List.of());
        e.retryAfterSeconds = Long.toString(Math.max(1, seconds));
        return e;
    }

    /** The {@code Retry-After} header to answer with, or null. */
    public String retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem toProblem() {
        return new Problem(type, title, status, getMessage(), errors);
    }

    public int status() {
        return status;
    }
}
