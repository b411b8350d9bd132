package dev.scenecache.ai;

import java.util.List;

import dev.scenecache.common.ProblemException;

/** The AI provider failed (502) or did not answer in time (504). Never cached. */
public final class UpstreamException extends ProblemException {

    public static final String ERROR = "urn:scenecache:problem:upstream-error";
    public static final String TIMEOUT = "urn:scenecache:problem:upstream-timeout";

    private UpstreamException(int status, String type, String title, String detail) {
        super(status, type, title, detail, List.of());
    }

    public static UpstreamException error(String detail) {
        return new UpstreamException(502, ERROR, "Bad gateway", "The AI provider failed: " + detail);
    }

    public static UpstreamException timeout(String detail) {
        return new UpstreamException(504, TIMEOUT, "Gateway timeout", "The AI provider did not answer: " + detail);
    }
}
