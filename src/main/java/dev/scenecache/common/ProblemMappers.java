package dev.scenecache.common;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns every failure into an RFC 9457 problem: input problems into 4xx with field errors, an
 * unreachable database into 503, anything else into a 500 that is logged (a 500 is always a bug).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem(), e.status(), e.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message))
                .toList();
        return respond(ProblemException.invalid(errors).toProblem());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(jsonProblem(e));
    }

    // Quarkus registers its own mappers for these subclasses; ours must name them to take precedence.
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return respond(jsonProblem(e));
    }

    @ServerExceptionMapper
    public Response unrecognizedProperty(UnrecognizedPropertyException e) {
        return respond(jsonProblem(e));
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return respond(jsonProblem(e));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        // The body reader wraps Jackson's failures; answer with the field that was wrong.
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(jsonProblem(json));
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        return respond(httpProblem(status, e.getMessage()));
    }

    /**
     * One line per 503 flooded the log during an outage (57,000 lines in 30 s under load, the service's
     * own CPU and disk going to it): the first failure is logged, then at most one line every 10 s with
     * the number of 503s since.
     */
    static final class RateLimitedWarning {
        private final long everyNanos;
        private final AtomicLong nextAt = new AtomicLong(
                Long.MIN_VALUE);
        private final LongAdder suppressed = new LongAdder();

        RateLimitedWarning(Duration every) {
            this.everyNanos = every.toNanos();
        }

        /** Logs {@code e} unless a line was written less than the interval ago; true when it logged. */
        boolean warn(Throwable e) {
            long now = System.nanoTime();
            long next = nextAt.get();
            if ((next != Long.MIN_VALUE && now - next < 0) || !nextAt.compareAndSet(next, now + everyNanos)) {
                suppressed.increment();
                return false;
            }
            long more = suppressed.sumThenReset();
            LOG.warnf("Database unavailable: [%s]%s", e.toString(),
                    more == 0 ? "" : " (and " + more + " more 503s since the last line)");
            return true;
        }
    }

    private static final RateLimitedWarning UNAVAILABLE_LOG = new RateLimitedWarning(Duration.ofSeconds(10));

    @ServerExceptionMapper(priority = Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (e instanceof ProblemException p) {
            return problem(p);
        }
        if (DatabaseFailures.isUnavailable(e)) {
            UNAVAILABLE_LOG.warn(e);
            return respond(new Problem(Problems.DATABASE_UNAVAILABLE, "Database unavailable", 503,
                    "The database cannot be reached; retry later", List.of()), 503, "5");
        }
        LOG.error("Unexpected failure", e);
        return respond(new Problem(Problems.INTERNAL, "Internal error", 500,
                "An unexpected error occurred; it has been logged", List.of()));
    }

    static Problem httpProblem(int status, String detail) {
        String type = switch (status) {
            case 404 -> Problems.NOT_FOUND;
            case 405 -> Problems.METHOD_NOT_ALLOWED;
            case 406 -> Problems.NOT_ACCEPTABLE;
            case 413 -> Problems.TOO_LARGE;
            case 415 -> Problems.UNSUPPORTED_MEDIA_TYPE;
            case 401 -> Problems.UNAUTHORIZED;
            default -> Problems.HTTP;
        };
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        return new Problem(type, title, status, detail == null ? title : detail, List.of());
    }

    private static Problem jsonProblem(JsonProcessingException e) {
        if (e instanceof JsonParseException || e instanceof JsonEOFException) {
            return new Problem(Problems.MALFORMED_JSON, "Malformed JSON", 400,
                    "The request body is not valid JSON: " + e.getOriginalMessage(), List.of());
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ProblemException.invalid(pathOf(unknown), "unknown field").toProblem();
        }
        if (e instanceof InvalidFormatException invalid) {
            return ProblemException.invalid(pathOf(invalid), "has the wrong type or format: expected "
                    + simpleName(invalid.getTargetType())).toProblem();
        }
        if (e instanceof MismatchedInputException mismatched) {
            String field = pathOf(mismatched);
            if (field.isEmpty()) {
                return new Problem(Problems.MALFORMED_JSON, "Malformed JSON", 400,
                        "The request body does not have the expected shape: expected a JSON object", List.of());
            }
            return ProblemException.invalid(field, "has the wrong type: expected "
                    + simpleName(mismatched.getTargetType())).toProblem();
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return ProblemException.invalid(pathOf(mapping), "is invalid: " + e.getOriginalMessage()).toProblem();
        }
        return new Problem(Problems.MALFORMED_JSON, "Malformed JSON", 400,
                "The request body cannot be read: " + e.getOriginalMessage(), List.of());
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (ObjectNode.class.isAssignableFrom(type)
                || Map.class.isAssignableFrom(type)) {
            return "a JSON object";
        }
        return "a " + type.getSimpleName();
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The last property node of a violation's path, e.g. {@code name} for {@code create.body.name}. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        String field = "";
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.PARAMETER) {
                field = node.getName();
            }
        }
        return field;
    }

    private static Response respond(Problem problem) {
        return respond(problem, problem.status(), null);
    }

    private static Response respond(Problem problem, int status, String retryAfter) {
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
        if (retryAfter != null) {
            builder.header("Retry-After", retryAfter);
        }
        return builder.build();
    }
}
