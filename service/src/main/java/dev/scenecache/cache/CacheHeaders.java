package dev.scenecache.cache;

import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Carries the outcome of the request's cached reads to its response headers. The outcome is kept in
 * the request's Vert.x (duplicated) context, which every step of the request's pipeline shares.
 */
public class CacheHeaders {

    public static final String X_CACHE = "X-Cache";
    public static final String X_CACHE_TIER = "X-Cache-Tier";
    private static final String KEY = CacheHeaders.class.getName();

    /** Records an outcome in the given request context (captured when the read started). */
    public static void record(Context context, CacheOutcome outcome) {
        if (context == null) {
            return;
        }
        CacheOutcome previous = context.getLocal(KEY);
        context.putLocal(KEY, outcome.worse(previous));
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
        }
    }
}
