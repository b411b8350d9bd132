package dev.scenecache.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * A plain Redis client for tests: looks at keys (with SCAN), writes garbage, counts commands. On the
 * test JVM's Redis, or on a {@link RedisCluster} (commands go to the keys' nodes; SCAN and counts cover
 * every master).
 */
public final class RedisProbe implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Redis redis;
    /** The masters to scan and count on a cluster; null on one Redis. */
    private final RedisCluster cluster;

    public RedisProbe() {
        this.redis = Redis.createClient(vertx, TestServers.redis().url());
        this.cluster = null;
    }

    private RedisProbe(RedisCluster cluster) {
        io.vertx.redis.client.RedisOptions options = new io.vertx.redis.client.RedisOptions()
                .setType(io.vertx.redis.client.RedisClientType.CLUSTER);
        cluster.ports().forEach(p -> options.addConnectionString("redis://127.0.0.1:" + p));
        this.redis = Redis.createClient(vertx, options);
        this.cluster = cluster;
    }

    public static RedisProbe of(RedisCluster cluster) {
        return new RedisProbe(cluster);
    }

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
        if (cluster != null) {
            List<String> keys = new ArrayList<>();
            for (int master : cluster.masters()) {
                String cursor = "0";
                do {
                    @SuppressWarnings("unchecked")
                    List<Object> page = (List<Object>) Resp.call(master, "SCAN", cursor, "MATCH", pattern, "COUNT", 1000);
                    cursor = page.get(0).toString();
                    ((List<?>) page.get(1)).forEach(k -> keys.add(k.toString()));
                } while (!cursor.equals("0"));
            }
            return keys;
        }
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = call("SCAN", cursor, "MATCH", pattern, "COUNT", 1000);
            cursor = page.get(0).toString();
            page.get(1).forEach(k -> keys.add(k.toString()));
        } while (!cursor.equals("0"));
        return keys;
    }

    /** What one look of {@link #commandsProcessed()} adds to it: 1 on one Redis, 0 on a cluster. */
    public long commandsPerLook() {
        return cluster == null ? 1 : 0;
    }

    /**
     * Calls of the named commands (lower case, as {@code INFO commandstats} names them: {@code scan},
     * {@code evalsha}, ...) since the server started, summed over the masters on a cluster. Counting
     * commands by name leaves out what runs in the background (heartbeats are {@code publish}, health
     * probes {@code info}, topology polls {@code cluster}), so a bound on them holds on a slow machine.
     */
    public long callsOf(String... commands) {
        List<Integer> nodes = cluster == null ? null : cluster.masters();
        List<String> stats = new java.util.ArrayList<>();
        if (nodes == null) {
            stats.add(call("INFO", "commandstats").toString());
        } else {
            nodes.forEach(master -> stats.add(Resp.string(master, "INFO", "commandstats")));
        }
        long sum = 0;
        for (String info : stats) {
            for (String line : info.split("\r\n")) {
                for (String command : commands) {
                    if (line.startsWith("cmdstat_" + command + ":calls=")) {
                        sum += Long.parseLong(line.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*", "$1"));
                    }
                }
            }
        }
        return sum;
    }

    /** Commands the server has processed since it started (this call included). */
    public long commandsProcessed() {
        if (cluster != null) {
            // Every master's commands but replication's own (REPLCONF, PING) and these looks' (INFO, and the
            // CLUSTER NODES that finds the masters; the service's own CLUSTER commands are topology polls).
            long sum = 0;
            for (int master : cluster.masters()) {
                String stats = Resp.string(master, "INFO", "commandstats");
                for (String line : stats.split("\r\n")) {
                    if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_replconf")
                            && !line.startsWith("cmdstat_info") && !line.startsWith("cmdstat_ping")
                            && !line.startsWith("cmdstat_cluster")) {
                        sum += Long.parseLong(line.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*", "$1"));
                    }
                }
            }
            return sum;
        }
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
     * Closes every subscriber's connection ({@code CLIENT KILL TYPE pubsub} on every node): the service's
     * subscription is lost, as when its node dies or the network drops it, and it makes a new one later.
     */
    public void killSubscriptions() {
        List<Integer> nodes = cluster != null ? cluster.ports() : List.of(TestServers.redis().port());
        for (int port : nodes) {
            Resp.call(port, "CLIENT", "KILL", "TYPE", "pubsub");
        }
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

    /** SIGSTOP to the Redis server with process id {@code pid} (one this probe does not talk to). */
    public static void freeze(long pid) {
        signal("STOP", pid);
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
