package dev.scenecache.cache.internal;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * Brings the outcome of a Redis call (or of an acknowledgement wait) back to the Vert.x context of
 * the request that started it.
 *
 * <p>Why: the continuation of a cache call may open a Hibernate Reactive session, which lives in the
 * current Vert.x context. Acknowledgements are read by the subscriber connection (its own context) and
 * timeouts fire on Mutiny's timer threads; a request must not continue there. (It was added while
 * chasing the hang of concurrent deletes, which had another cause: see {@code SceneService.deleteScene}.)
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
