package dev.scenecache.common;

import java.util.concurrent.Executor;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * Brings the outcome of a Redis call (or of an acknowledgement wait) back to the Vert.x context of
 * the request that started it.
 *
 * <p>
 * Why: the continuation of a cache call may open a Hibernate Reactive session, which lives in the
 * current Vert.x context. Acknowledgements are read by the subscriber connection (its own context) and
 * timeouts fire on Mutiny's timer threads; a request must not continue there. (It was added while
 * chasing the hang of concurrent deletes, which had another cause: see {@code SceneService.deleteScene}.)
 */
public final class CallerContext {

    private CallerContext() {
    }

    /**
     * An executor that runs on the caller's context: at once when already there; at once too, with the
     * caller's context made current, when this thread is the caller's event loop (a batch of Redis reads
     * answers the requests of its loop from one reply); else through the context's task queue.
     */
    public static Executor current() {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return Runnable::run;
        }
        return task -> {
            if (Vertx.currentContext() == caller) {
                task.run();
            } else if (caller.isEventLoopContext() && caller instanceof ContextInternal internal) {
                // ContextInternal.emit: dispatched here when on the context's event loop, else queued to it.
                internal.emit(v -> task.run());
            } else {
                caller.runOnContext(v -> task.run());
            }
        };
    }
}
