package dev.scenecache.ai.semantic;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.scenecache.ai.AiConfig;
import dev.scenecache.common.CallerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ImageMode;
import io.smallrye.mutiny.Uni;

/**
 * Sentence embeddings in process: all-MiniLM-L6-v2 (quantized, 384 dimensions), shipped inside its Maven
 * artifact and run by ONNX Runtime; no network, no download. The model is loaded on first use only (a
 * service with the semantic cache off never loads it: no memory, no native library), on one of
 * {@code AI_SEMANTIC_WORKERS} threads that never are the event loop; at most
 * {@code AI_SEMANTIC_QUEUE} prompts wait. A full queue, or a wait past {@code AI_SEMANTIC_TIMEOUT}, fails
 * the embedding: the caller then asks the brain as without the semantic cache.
 */
@ApplicationScoped
public class Embedder {

    private static final Logger LOG = Logger.getLogger(Embedder.class);
    /** The model's dimensions. */
    public static final int DIMENSIONS = 384;

    private final ThreadPoolExecutor pool;
    private final Duration timeout;
    private final Timer timer;
    /** {@link OnnxEmbeddings}, once loaded. */
    private volatile Function<String, float[]> model;

    @Inject
    public Embedder(AiConfig config, MeterRegistry registry) {
        this(config.semanticWorkers(), config.semanticQueue(), config.semanticTimeout(), registry);
    }

    public Embedder(int workers, int queue, Duration timeout, MeterRegistry registry) {
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "semantic-embedder-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.pool.allowCoreThreadTimeOut(true);
        this.timeout = timeout;
        this.timer = Timer.builder("ai.semantic.embedding").description("Time to embed one prompt (model load excluded)")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Whether the model has been loaded (it is on first use only). */
    public boolean loaded() {
        return model != null;
    }

    /**
     * Loads the model and the lexicon on a worker now, so that the first lookups do not wait for them (the tier
     * was switched on); a failure is logged, and the first lookup tries again.
     */
    public void warmUp() {
        try {
            pool.execute(() -> {
                try {
                    model();
                } catch (RuntimeException | Error e) {
                    LOG.warnf("Semantic cache: the embedding model could not be loaded: %s", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debugf("Semantic cache: warm-up not queued (%s)", e.toString());
        }
    }

    /** The unit-length embedding of {@code text}; a failure when the pool is full or it takes too long. */
    public Uni<float[]> embed(String text) {
        return onWorker(() -> embedNow(text));
    }

    /**
     * {@code work} on one of the workers (never the event loop), bounded as an embedding is: a failure when the
     * queue is full or it takes longer than the timeout. The answer comes back on the caller's Vert.x context.
     */
    public <T> Uni<T> onWorker(java.util.function.Supplier<T> work) {
        return Uni.createFrom().deferred(() -> {
            Executor caller = CallerContext.current();
            return Uni.createFrom().<T> emitter(emitter -> {
                try {
                    pool.execute(() -> {
                        try {
                            emitter.complete(work.get());
                        } catch (RuntimeException | Error e) {
                            emitter.fail(e);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    emitter.fail(new IllegalStateException("the embedding queue is full", e));
                }
            }).ifNoItem().after(timeout).fail().emitOn(caller);
        });
    }

    /** The embedding, computed on the calling thread (for the evaluation and the benchmark). */
    public float[] embedNow(String text) {
        Function<String, float[]> m = model();
        long start = System.nanoTime();
        float[] vector = m.apply(text);
        timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return normalised(vector);
    }

    private Function<String, float[]> model() {
        Function<String, float[]> m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    requireJvm();
                    long start = System.nanoTime();
                    m = load();
                    model = m;
                    LOG.infof("Semantic cache: embedding model all-MiniLM-L6-v2 (quantized) and WordNet loaded in %d ms",
                            (System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        return m;
    }

    /**
     * Whether embeddings can be computed here: in the JVM, not in the native executable, which is built
     * without the semantic tier's libraries (see {@link #load()} and {@link NativeSubstitutions}).
     */
    public static boolean available() {
        return !ImageMode.current().isNativeImage();
    }

    static void requireJvm() {
        if (!available()) {
            throw new IllegalStateException(UNAVAILABLE);
        }
    }

    /** Why the semantic cache cannot run here. */
    public static final String UNAVAILABLE = "the semantic decision cache needs the JVM build of scenecache (its"
            + " embedding model runs on ONNX Runtime, which the native executable is built without)";

    /**
     * {@link OnnxEmbeddings}, by name: so that no method of this class names a class of ONNX Runtime, the model or
     * WordNet, and the native image's analysis (which has none of them) never reaches them.
     */
    @SuppressWarnings("unchecked")
    private static Function<String, float[]> load() {
        try {
            var constructor = Class.forName(MODEL_CLASS).getDeclaredConstructor();
            constructor.setAccessible(true);
            return (Function<String, float[]>) constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the embedding model could not be loaded: " + e, e);
        }
    }

    private static final String MODEL_CLASS = "dev.scenecache.ai.semantic.OnnxEmbeddings";

    static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return v;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
