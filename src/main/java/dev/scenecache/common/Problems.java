package dev.scenecache.common;

/** The problem type URIs that scenecache answers with (see {@link Problem#type()}). */
public final class Problems {

    private static final String BASE = "urn:scenecache:problem:";

    public static final String INVALID_INPUT = BASE + "invalid-input";
    public static final String MALFORMED_JSON = BASE + "malformed-json";
    public static final String NOT_FOUND = BASE + "not-found";
    public static final String PRECONDITION_FAILED = BASE + "precondition-failed";
    public static final String TOO_LARGE = BASE + "content-too-large";
    public static final String UNSUPPORTED_MEDIA_TYPE = BASE + "unsupported-media-type";
    public static final String NOT_ACCEPTABLE = BASE + "not-acceptable";
    public static final String METHOD_NOT_ALLOWED = BASE + "method-not-allowed";
    public static final String UNAUTHORIZED = BASE + "unauthorized";
    public static final String DATABASE_UNAVAILABLE = BASE + "database-unavailable";
    public static final String SERVICE_UNAVAILABLE = BASE + "service-unavailable";
    public static final String AI_SPEND_LIMIT = BASE + "ai-spend-limit";
    public static final String NOT_AVAILABLE = BASE + "not-available";
    public static final String INTERNAL = BASE + "internal-error";
    public static final String HTTP = BASE + "http";

    private Problems() {
    }
}
