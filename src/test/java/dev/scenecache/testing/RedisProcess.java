package dev.scenecache.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import redis.embedded.core.ExecutableProvider;

/**
 * One redis-server process with a directory of its own (its snapshot, its AOF), failed the way servers
 * fail: {@link #kill} is SIGKILL (nothing flushed that the kernel did not have), {@link #freeze} SIGSTOP,
 * {@link #restart} starts it again with the same arguments and directory, so it loads whatever it had
 * persisted. The binary is the one embedded-redis ships (6.2) or {@code -Dscenecache.redis-server}
 * (Debian's 7.0 in CI); {@link #sentinel} runs the same binary as a Redis Sentinel.
 */
public final class RedisProcess implements AutoCloseable {

    private final File binary;
    private final Path dir;
    private final int port;
    private final List<String> arguments;
    private Process process;

    private RedisProcess(File binary, Path dir, int port, List<String> arguments) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.arguments = arguments;
    }

    /** A data node on a free port in {@code dir}, with more {@code --name value} arguments. */
    public static RedisProcess start(Path dir, String... settings) {
        try {
            Files.createDirectories(dir);
            int port = PostgresServer.freePort();
            List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--dbfilename", "dump.rdb"));
            args.addAll(List.of(settings));
            RedisProcess redis = new RedisProcess(binary(dir.getParent()), dir, port, args);
            redis.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "stop-redis-" + port));
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Sentinel on a free port watching {@code master} as {@code name} (quorum 2, a second without an
     * answer to call it down), its configuration file in {@code dir} (sentinels rewrite it).
     */
    public static RedisProcess sentinel(Path dir, String name, int master) {
        try {
            Files.createDirectories(dir);
            int port = PostgresServer.freePort();
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + dir,
                    "sentinel monitor " + name + " 127.0.0.1 " + master + " 2",
                    "sentinel down-after-milliseconds " + name + " 1000",
                    "sentinel failover-timeout " + name + " 5000",
                    "sentinel parallel-syncs " + name + " 1", ""));
            RedisProcess sentinel = new RedisProcess(binary(dir.getParent()), dir, port,
                    List.of(conf.toString(), "--sentinel"));
            sentinel.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(sentinel::close, "stop-sentinel-" + port));
            return sentinel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static File binary(Path base) throws IOException {
        String other = System.getProperty("scenecache.redis-server", "");
        if (!other.isBlank()) {
            return new File(other);
        }
        Path bin = base.resolve("bin");
        Files.createDirectories(bin);
        return ExecutableProvider.newJarResourceProvider(bin.toFile()).get();
    }

    private synchronized void launch() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.getAbsolutePath());
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        Awaitility.await("redis-server on " + port + " answers (else see " + dir.resolve("redis.log") + ")")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server on " + port + " exited: see " + dir.resolve("redis.log"));
                    }
                    return answers();
                });
    }

    /** PING answers PONG (not LOADING, not refused). */
    private boolean answers() {
        try {
            return "PONG".equals(String.valueOf(Resp.call(port, 500, new Object[] { "PING" })));
        } catch (RuntimeException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Object call(Object... args) {
        return Resp.call(port, args);
    }

    /** A field of {@code INFO <section>}, or null. */
    public String info(String section, String field) {
        return RedisCluster.info(port, section, field);
    }

    /** SIGKILL: the server dies without a word, as a crashed or OOM-killed one does. */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a killed server again on its port, with its directory: it loads what it persisted. */
    public synchronized void restart() {
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGSTOP: the port stays open and nothing answers, until {@link #thaw}. */
    public void freeze() {
        signal("STOP");
    }

    public void thaw() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            if (new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
