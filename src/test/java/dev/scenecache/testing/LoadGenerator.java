package dev.scenecache.testing;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * An HTTP load generator on one Vert.x event loop, with HdrHistogram latencies. The benchmarks
 * ({@code bench/}) measure with it; the tests use only {@link #requests}, which counts instead of timing.
 *
 * <ul>
 * <li>{@link #closedLoop}: {@code connections} clients, each sending its next request when the last
 * one answered, for a time: the saturation throughput.</li>
 * <li>{@link #requests}: the same closed loop for a number of requests, however long they take: what
 * a test asserts on, so that it passes on a slow or busy machine.</li>
 * <li>{@link #openLoop}: requests at a fixed rate whatever the answers; latency counts from the time
 * a request was due, so queueing is not hidden (no coordinated omission).</li>
 * </ul>
 *
 * Reads pick scenes from a Zipf distribution; a share of requests are writes (PATCH of the scene's
 * name). A read sent after a write to its scene was acknowledged must show that write's version or a
 * later one; otherwise it counts as stale.
 */
public final class LoadGenerator implements AutoCloseable {

    public record Target(String project, String scene) {
    }

    public record Result(String variant, String mode, double seconds, long requests, long errors, long hits, long l1Hits,
            long misses, long bypasses, long stale, Histogram latency, Histogram readLatency, Histogram writeLatency,
            List<String> staleReads, List<Instance> instances, Freshness freshness) {

        public double throughput() {
            return requests / seconds;
        }

        public double hitRate() {
            long reads = hits + misses;
            return reads == 0 ? 0 : 100.0 * hits / reads;
        }

        public double millis(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * Reads of scenes that had been read successfully before the phase ({@code known}) and how many of them
     * answered 200; answers from expired entries ({@code Cache-Status: ...detail=stale-if-error}); reads and
     * misses of the hottest 1% of the scenes (the lowest Zipf ranks).
     */
    public record Freshness(long knownReads, long knownOk, long staleIfError, long hotReads, long hotMisses) {
        public double knownOkShare() {
            return knownReads == 0 ? 0 : 100.0 * knownOk / knownReads;
        }
    }

    /** What one instance of the service answered, when the load is spread over several. */
    public record Instance(int port, long reads, long hits, long errors) {
        public double hitRate() {
            return reads == 0 ? 0 : 100.0 * hits / reads;
        }
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final List<Integer> ports;
    private final HttpClient[] clients;
    private final HttpClient client;
    private final List<Target> targets;
    private final Zipf zipf;
    private final double writeShare;
    private final String fixedPath;
    /** Put before {@code /projects/...}: a peer's copy of the scene API ({@code /bench/peers/<variant>}). */
    private String prefix = "";
    private final long[] lastAcked;
    private final SplittableRandom random = new SplittableRandom(42);
    /** The scenes read with a 200 so far (touched on the event loop only). */
    private final java.util.BitSet served = new java.util.BitSet();
    private long writeSeq;
    /**
     * Makes every write's name new to the database: the scenes and their order repeat from one generator
     * to the next (fixed seed), and without it a later generator's writes would set names an earlier one
     * already set, which change nothing and take the PATCH's no-change path instead of the write's.
     */
    private final String writeNonce = Long.toString(new SplittableRandom().nextLong() & Long.MAX_VALUE, 36);

    public LoadGenerator(int port, int connections, List<Target> targets, double zipfS, double writeShare, String fixedPath) {
        this(List.of(port), connections, targets, zipfS, writeShare, fixedPath);
    }

    /**
     * Load spread over several instances of the service: each request goes to one of {@code ports} at
     * random, and the stale check spans them (a write acknowledged by one, read on another).
     */
    public LoadGenerator(List<Integer> ports, int connections, List<Target> targets, double zipfS, double writeShare,
            String fixedPath) {
        this.ports = List.copyOf(ports);
        this.clients = new HttpClient[ports.size()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(ports.get(i)).setKeepAlive(true).setTcpNoDelay(true),
                    new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        }
        this.client = clients[0];
        this.targets = targets;
        this.zipf = new Zipf(targets.size(), zipfS, 7);
        this.writeShare = writeShare;
        this.fixedPath = fixedPath;
        this.lastAcked = new long[targets.size()];
        java.util.Arrays.fill(lastAcked, -1);
    }

    public LoadGenerator withPrefix(String pathPrefix) {
        this.prefix = pathPrefix;
        return this;
    }

    private final class Run {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
        final Histogram writeLatency = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
        final Histogram readLatency = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
        long requests, errors, hits, l1Hits, misses, bypasses, stale;
        long knownReads, knownOk, staleIfError, hotReads, hotMisses;
        /** The scenes served before this run started. */
        final java.util.BitSet known = (java.util.BitSet) served.clone();
        final long[] instanceReads = new long[clients.length];
        final long[] instanceHits = new long[clients.length];
        final long[] instanceErrors = new long[clients.length];
        /** The first stale reads: what the cache answered, and the versions. */
        final List<String> staleReads = new java.util.ArrayList<>();
        /** A closed loop sends no new request from this time on (System.nanoTime())... */
        final long deadline;
        /** ...nor once it has sent this many. */
        final long budget;
        long sent;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        int inFlight;

        Run(long deadline) {
            this(deadline, Long.MAX_VALUE);
        }

        Run(long deadline, long budget) {
            this.deadline = deadline;
            this.budget = budget;
        }

        boolean more() {
            return sent < budget && System.nanoTime() < deadline;
        }

        /** Sends one request; {@code dueNanos} is when it should have been sent. */
        void send(long dueNanos, Runnable next) {
            inFlight++;
            sent++;
            int index = zipf.next();
            Target target = targets.get(index);
            boolean write = random.nextDouble() < writeShare;
            // With a fixed path, reads go there and writes (if any) still go to the scene.
            RequestOptions options = new RequestOptions().setURI(fixedPath != null && !write ? fixedPath
                    : prefix + "/projects/" + target.project() + "/scenes/" + target.scene());
            Buffer body = null;
            long seq = -1;
            if (write) {
                seq = ++writeSeq;
                options.setMethod(HttpMethod.PATCH).putHeader("Content-Type", "application/json");
                body = Buffer.buffer("{\"name\":\"w" + writeNonce + "." + seq + "\"}");
            } else {
                options.setMethod(HttpMethod.GET);
            }
            long expected = lastAcked[index];
            long writeSeqFinal = seq;
            Buffer payload = body;
            int instance = clients.length == 1 ? 0 : random.nextInt(clients.length);
            clients[instance].request(options)
                    .compose(req -> payload == null ? req.send() : req.send(payload))
                    .compose(resp -> resp.body().map(b -> {
                        if (writeSeqFinal < 0 && fixedPath == null) {
                            boolean ok = resp.statusCode() == 200;
                            if (known.get(index)) {
                                knownReads++;
                                knownOk += ok ? 1 : 0;
                            }
                            if (ok) {
                                served.set(index);
                                String status = resp.getHeader("Cache-Status");
                                if (status != null && status.contains("stale-if-error")) {
                                    staleIfError++;
                                }
                            }
                            if (zipf.rank(index) < Math.max(1, targets.size() / 100)) {
                                hotReads++;
                                hotMisses += "MISS".equals(resp.getHeader("X-Cache")) ? 1 : 0;
                            }
                        }
                        if (resp.statusCode() != 200) {
                            errors++;
                            instanceErrors[instance]++;
                        } else if (writeSeqFinal >= 0) {
                            lastAcked[index] = Math.max(lastAcked[index], version(b));
                        } else if (fixedPath == null) {
                            String xcache = resp.getHeader("X-Cache");
                            instanceReads[instance]++;
                            if ("HIT".equals(xcache)) {
                                hits++;
                                instanceHits[instance]++;
                                if ("L1".equals(resp.getHeader("X-Cache-Tier"))) {
                                    l1Hits++;
                                }
                            } else if ("MISS".equals(xcache)) {
                                misses++;
                            } else {
                                bypasses++;
                            }
                            if (version(b) < expected) {
                                stale++;
                                if (staleReads.size() < 10) {
                                    staleReads.add(
                                            java.time.LocalTime.now() + " " + target.scene() + " on :" + ports.get(instance)
                                                    + ": X-Cache " + xcache + " " + resp.getHeader("X-Cache-Tier")
                                                    + ", version " + version(b) + " < acknowledged " + expected);
                                }
                            }
                        }
                        return b;
                    }))
                    .onComplete(ar -> {
                        inFlight--;
                        if (ar.failed()) {
                            if (writeSeqFinal < 0 && fixedPath == null && known.get(index)) {
                                knownReads++; // no answer at all: not a 200
                            }
                            errors++;
                            instanceErrors[instance]++;
                        }
                        requests++;
                        long micros = Math.max(1, (System.nanoTime() - dueNanos) / 1000);
                        latency.recordValue(micros);
                        (writeSeqFinal >= 0 ? writeLatency : readLatency).recordValue(micros);
                        next.run();
                        if (!more() && inFlight == 0) {
                            done.complete(null);
                        }
                    });
        }
    }

    /** The {@code version} of a scene body (the last field the API writes). */
    private static long version(Buffer body) {
        String text = body.toString();
        int at = text.lastIndexOf("\"version\":");
        if (at < 0) {
            return -1;
        }
        int start = at + 10;
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return Long.parseLong(text.substring(start, end));
    }

    public Result closedLoop(String variant, int connections, double seconds) throws Exception {
        return closedLoop(variant, connections, new Run(System.nanoTime() + (long) (seconds * 1e9)),
                TimeUnit.SECONDS.toMillis((long) seconds + 60));
    }

    /**
     * {@code total} requests from {@code connections} closed-loop clients, however long they take
     * ({@code hangAfter} only guards against a service that stops answering).
     */
    public Result requests(String variant, int connections, long total, java.time.Duration hangAfter) throws Exception {
        return closedLoop(variant, connections, new Run(Long.MAX_VALUE, total), hangAfter.toMillis());
    }

    private Result closedLoop(String variant, int connections, Run run, long waitMillis) throws Exception {
        long start = System.nanoTime();
        vertx.runOnContext(v -> {
            for (int i = 0; i < connections; i++) {
                loop(run);
            }
        });
        run.done.get(waitMillis, TimeUnit.MILLISECONDS);
        return result(variant, "closed x" + connections, run, (System.nanoTime() - start) / 1e9);
    }

    private void loop(Run run) {
        if (run.more()) {
            run.send(System.nanoTime(), () -> loop(run));
        }
    }

    /** Reads every target once, {@code connections} at a time. */
    public void sweep(int connections) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int[] next = { 0 };
        int[] open = { 0 };
        vertx.runOnContext(v -> {
            Runnable[] step = new Runnable[1];
            step[0] = () -> {
                if (next[0] >= targets.size()) {
                    if (open[0] == 0) {
                        done.complete(null);
                    }
                    return;
                }
                Target t = targets.get(next[0]++);
                open[0]++;
                client.request(HttpMethod.GET, prefix + "/projects/" + t.project() + "/scenes/" + t.scene())
                        .compose(req -> req.send().compose(resp -> resp.body()))
                        .onComplete(ar -> {
                            open[0]--;
                            step[0].run();
                        });
            };
            for (int i = 0; i < connections; i++) {
                step[0].run();
            }
        });
        done.get(10, TimeUnit.MINUTES);
    }

    public Result openLoop(String variant, double rate, double seconds) throws Exception {
        long start = System.nanoTime();
        Run run = new Run(start + (long) (seconds * 1e9));
        long intervalNanos = (long) (1e9 / rate);
        vertx.runOnContext(v -> {
            long[] sent = { 0 };
            vertx.setPeriodic(1, id -> {
                long now = System.nanoTime();
                if (now >= run.deadline) {
                    vertx.cancelTimer(id);
                    if (run.inFlight == 0) {
                        run.done.complete(null);
                    }
                    return;
                }
                while (start + sent[0] * intervalNanos <= now) {
                    run.send(start + sent[0] * intervalNanos, () -> {
                    });
                    sent[0]++;
                }
            });
        });
        run.done.get((long) seconds + 60, TimeUnit.SECONDS);
        return result(variant, String.format("open %.0f/s", rate), run, (System.nanoTime() - start) / 1e9);
    }

    private Result result(String variant, String mode, Run run, double elapsed) {
        List<Instance> instances = new java.util.ArrayList<>();
        for (int i = 0; i < clients.length; i++) {
            instances.add(new Instance(ports.get(i), run.instanceReads[i], run.instanceHits[i], run.instanceErrors[i]));
        }
        return new Result(variant, mode, elapsed, run.requests, run.errors, run.hits, run.l1Hits, run.misses,
                run.bypasses, run.stale, run.latency, run.readLatency, run.writeLatency, List.copyOf(run.staleReads),
                List.copyOf(instances), new Freshness(run.knownReads, run.knownOk, run.staleIfError, run.hotReads,
                        run.hotMisses));
    }

    @Override
    public void close() {
        for (HttpClient c : clients) {
            c.close();
        }
        vertx.close();
    }

    /** Zipf-distributed ranks over n items (rank 0 hottest), mapped to a fixed random permutation. */
    static final class Zipf {
        private final double[] cdf;
        private final int[] permutation;
        private final SplittableRandom random;

        Zipf(int n, double s, long seed) {
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
            random = new SplittableRandom(seed);
            permutation = new int[n];
            for (int i = 0; i < n; i++) {
                permutation[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = permutation[i];
                permutation[i] = permutation[j];
                permutation[j] = t;
            }
        }

        /** The Zipf rank of a target (0: the most read). */
        int rank(int index) {
            if (ranks == null) {
                ranks = new int[permutation.length];
                for (int r = 0; r < permutation.length; r++) {
                    ranks[permutation[r]] = r;
                }
            }
            return ranks[index];
        }

        private int[] ranks;

        int next() {
            int rank = java.util.Arrays.binarySearch(cdf, random.nextDouble());
            rank = rank < 0 ? -rank - 1 : rank;
            return permutation[Math.min(rank, cdf.length - 1)];
        }
    }
}
