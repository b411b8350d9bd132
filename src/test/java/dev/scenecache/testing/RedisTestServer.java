package dev.scenecache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server (the binary embedded-redis ships) on a loopback port, with persistence off so
 * nothing of an earlier run is loaded back. {@link #stop()} and {@link #start()} simulate an outage.
 */
public final class RedisTestServer {

    private final RedisServer server;
    private final int port;
    private boolean running;

    private RedisTestServer(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static RedisTestServer start(Path binaryDir, int port) {
        return start(binaryDir, port, java.util.List.of());
    }

    /** As {@link #start(Path, int)}, with more {@code redis.conf} lines (an ACL {@code user ...}, say). */
    public static RedisTestServer start(Path binaryDir, int port, java.util.List<String> settings) {
        try {
            Files.createDirectories(binaryDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return start(ExecutableProvider.newJarResourceProvider(binaryDir.toFile()), port, settings);
    }

    /**
     * As {@link #start(Path, int, java.util.List)} with another redis-server: Debian's, built with TLS,
     * which the embedded one is not.
     */
    public static RedisTestServer startProgram(Path program, int port, java.util.List<String> settings) {
        return start(() -> program.toFile(), port, settings);
    }

    private static RedisTestServer start(ExecutableProvider executable, int port, java.util.List<String> settings) {
        int chosen = port > 0 ? port : PostgresServer.freePort();
        try {
            var builder = RedisServer.newRedisServer()
                    .executableProvider(executable)
                    .bind("127.0.0.1")
                    .port(chosen)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("maxmemory 512mb")
                    .setting("maxmemory-policy allkeys-lru")
                    .onShutdownForceStop(true);
            settings.forEach(builder::setting);
            RedisServer server = builder.build();
            RedisTestServer result = new RedisTestServer(server, chosen);
            result.start();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Redis did not start", e);
        }
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            server.start();
            running = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void stop() {
        if (!running) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running = false;
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }
}
