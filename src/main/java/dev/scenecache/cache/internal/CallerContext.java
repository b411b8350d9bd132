package dev.scenecache.cache.internal;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * Brings the outcome of a Redis call (or of an acknowledgement wait) back to the Vert.x context of
 * the request that started it.
 *
 * <p>Why it matters: the continuation of a cache call may open a Hibernate Reactive session, which
 * lives in the current Vert.x context. Redis replies of a pooled connection, acknowledgements read by
 * the subscriber connection and timeouts fire on other contexts or threads; a request continuing there
 * would share another request's session, and two transactions interleaved on one session stall with
 * the connection "idle in transaction" (found by {@code ConcurrentWritesTest}).
 */
final class CallerContext {

    private CallerContext() {}

    /** An executor that runs on the caller's context: at once when already there, else through it. */
    static Executor current() {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return Runnable::run;
        }
        return task -> {
            if (Vertx.currentContext() == caller) {
                task.run();
            } else {
                caller.runOnContext(v -> task.run());
            }
        };
    }
}
