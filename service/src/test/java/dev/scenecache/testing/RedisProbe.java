package dev.scenecache.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/** A plain Redis client for tests: looks at keys (with SCAN), writes garbage, counts commands. */
public final class RedisProbe implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Redis redis = Redis.createClient(vertx, TestServers.redis().url());

    public Response call(String command, Object... args) {
        Request request = Request.cmd(Command.create(command));
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else {
                request.arg(String.valueOf(arg));
            }
        }
        return redis.send(request).await().atMost(Duration.ofSeconds(5));
    }

    /** Every key matching the pattern, found with SCAN (never KEYS). */
    public List<String> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = call("SCAN", cursor, "MATCH", pattern, "COUNT", 1000);
            cursor = page.get(0).toString();
            page.get(1).forEach(k -> keys.add(k.toString()));
        } while (!cursor.equals("0"));
        return keys;
    }

    /** Commands the server has processed since it started (this call included). */
    public long commandsProcessed() {
        String info = call("INFO", "stats").toString();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("no total_commands_processed in INFO");
    }

    /** The process id of the Redis server, for {@link #freeze()}. */
    public long serverPid() {
        String info = call("INFO", "server").toString();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("process_id:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("no process_id in INFO");
    }

    /**
     * Stops the Redis process with SIGSTOP: its port stays open and its connections accept bytes, but
     * nothing answers (a stalled server, not a dead one) until {@link #thaw(long)}.
     */
    public long freeze() {
        long pid = serverPid();
        signal("STOP", pid);
        return pid;
    }

    public static void thaw(long pid) {
        signal("CONT", pid);
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        redis.close();
        vertx.closeAndAwait();
    }
}
