package dev.scenecache.component;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.scenecache.common.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs compiles off the event loop on a fixed pool ({@code component.workers}, default: the CPU count)
 * with a bounded queue ({@code component.queue}). A compile that finds the queue full fails at once
 * with 503 and {@code Retry-After: 1}: load beyond capacity is refused, never queued without bound.
 */
@ApplicationScoped
public class CompilePool {

    private final SwcCompiler compiler;
    private final ThreadPoolExecutor executor;
    private final Timer succeeded;
    private final Timer failed;
    private final Counter rejected;

    public CompilePool(SwcCompiler compiler, MeterRegistry registry,
            @ConfigProperty(name = "component.workers", defaultValue = "0") int workers,
            @ConfigProperty(name = "component.queue", defaultValue = "32") int queue) {
        this.compiler = compiler;
        int threads = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, queue)), r -> {
                    Thread t = new Thread(r, "tsx-compiler-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        Timer.Builder compile = Timer.builder("component.compile").description("Time to compile one TSX component")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(2));
        this.succeeded = compile.tag("result", "success").register(registry);
        this.failed = compile.tag("result", "failure").register(registry);
        this.rejected = Counter.builder("component.compile.rejected")
                .description("Compiles refused with 503 because the compile queue was full").register(registry);
        Gauge.builder("component.compile.queue", executor, e -> e.getQueue().size())
                .description("Compiles waiting for a worker").register(registry);
    }

    /** Compiles on a worker; the result comes back on the caller's Vert.x context. */
    public Uni<SwcCompiler.Compiled> compile(String tsx) {
        Context caller = Vertx.currentContext();
        return Uni.createFrom().<SwcCompiler.Compiled> emitter(emitter -> {
            try {
                executor.execute(() -> {
                    long start = System.nanoTime();
                    try {
                        SwcCompiler.Compiled compiled = compiler.compile(tsx);
                        (compiled.success() ? succeeded : failed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        emitter.complete(compiled);
                    } catch (RuntimeException | Error e) {
                        emitter.fail(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                rejected.increment();
                emitter.fail(ProblemException.unavailable("The compiler is busy; retry in a second", 1));
            }
        }).emitOn(caller == null ? Runnable::run : r -> caller.runOnContext(v -> r.run()));
    }

    /** Compiles run so far (both outcomes), for tests and stats. */
    public long compiles() {
        return succeeded.count() + failed.count();
    }

    /** On shutdown, only when the pool was ever used: an observer would create it (and load swc) to stop it. */
    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
