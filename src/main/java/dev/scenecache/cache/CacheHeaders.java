package dev.scenecache.cache;

import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Carries the outcome of the request's cached reads to its response headers: {@code X-Cache},
 * {@code X-Cache-Tier} (the contract's own) and the standard {@code Cache-Status} (RFC 9211), plus
 * {@code Age} on an answer from an expired entry (stale-if-error). The outcome is kept in the request's
 * Vert.x (duplicated) context, which every step of the request's pipeline shares.
 */
public class CacheHeaders {

    public static final String X_CACHE = "X-Cache";
    public static final String X_CACHE_TIER = "X-Cache-Tier";
    public static final String CACHE_STATUS = "Cache-Status";
    public static final String AGE = "Age";
    private static final String KEY = CacheHeaders.class.getName();
    private static final String AGE_KEY = KEY + ".age";

    /** Records an outcome in the given request context (captured when the read started). */
    public static void record(Context context, CacheOutcome outcome) {
        record(context, outcome, -1);
    }

    /**
     * Records an outcome and, for a stale answer, the age of its entry in seconds (the oldest of the
     * request's stale answers is the one reported).
     */
    public static void record(Context context, CacheOutcome outcome, long ageSeconds) {
        if (context == null) {
            return;
        }
        CacheOutcome previous = context.getLocal(KEY);
        context.putLocal(KEY, outcome.worse(previous));
        if (ageSeconds >= 0) {
            Long age = context.getLocal(AGE_KEY);
            context.putLocal(AGE_KEY, age == null ? ageSeconds : Math.max(age, ageSeconds));
        }
    }

    @ServerResponseFilter
    public void addHeaders(ContainerResponseContext response) {
        Context context = Vertx.currentContext();
        CacheOutcome outcome = context == null ? null : context.getLocal(KEY);
        if (outcome != null) {
            response.getHeaders().putSingle(X_CACHE, outcome.header());
            if (outcome.tier() != null) {
                response.getHeaders().putSingle(X_CACHE_TIER, outcome.tier());
            }
            response.getHeaders().putSingle(CACHE_STATUS, outcome.cacheStatus());
            Long age = context.getLocal(AGE_KEY);
            if (outcome.stale() && age != null) {
                response.getHeaders().putSingle(AGE, age);
            }
        }
    }
}
