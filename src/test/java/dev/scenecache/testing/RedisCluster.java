package dev.scenecache.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis Cluster of {@code masters} masters with one replica each, made of redis-server processes
 * (the binary embedded-redis ships, 6.2, or {@code -Dscenecache.redis-server}) on free loopback ports, joined the way an
 * operator does it:
 * {@code CLUSTER MEET}, {@code CLUSTER ADDSLOTS}, {@code CLUSTER REPLICATE}. Failures are the real ones:
 * {@link #kill} is SIGKILL (its replica is promoted by the cluster itself), {@link #freeze} is SIGSTOP,
 * and {@link #restart} brings a killed node back on its port with its {@code nodes.conf}, so that it
 * rejoins as a replica of whoever took its slots.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final File binary;
    private final Path dir;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();

    private RedisCluster(File binary, Path dir) {
        this.binary = binary;
        this.dir = dir;
    }

    /** Starts and joins {@code masters} masters and as many replicas; waits until the cluster is OK. */
    public static RedisCluster start(Path dir, int masters) {
        try {
            Files.createDirectories(dir.resolve("bin"));
            // -Dscenecache.redis-server=/usr/bin/redis-server: another build (Debian's 7.0), else the embedded 6.2.
            String other = System.getProperty("scenecache.redis-server", "");
            File binary = !other.isBlank() ? new File(other)
                    : ExecutableProvider.newJarResourceProvider(dir.resolve("bin").toFile()).get();
            RedisCluster cluster = new RedisCluster(binary, dir);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 2 * masters; i++) {
                int port = freeClusterPort(ports);
                ports.add(port);
                cluster.launch(port);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-redis-cluster"));
            cluster.join(ports.subList(0, masters), ports.subList(masters, ports.size()));
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("Redis Cluster did not start", e);
        }
    }

    /** A port p with p + 10000 (its cluster bus) free as well. */
    private static int freeClusterPort(List<Integer> taken) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = PostgresServer.freePort();
            if (port + 10_000 < 65_536 && !taken.contains(port) && free(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void launch(int port) throws IOException {
        Path nodeDir = dir.resolve(Integer.toString(port));
        Files.createDirectories(nodeDir);
        Process process = new ProcessBuilder(binary.getAbsolutePath(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", nodeDir.toString(),
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
                // A replica that lost its master long ago may still be promoted (tests kill and restart nodes).
                "--cluster-replica-validity-factor", "0",
                "--save", "", "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru")
                .redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("redis.log").toFile())
                .start();
        processes.put(port, process);
        awaitTrue(Duration.ofSeconds(20), "node " + port + " answers", () -> "PONG".equals(tryString(port, "PING")));
    }

    private void join(List<Integer> masters, List<Integer> replicas) {
        int first = masters.get(0);
        for (int port : ports()) {
            if (port != first) {
                Resp.call(port, "CLUSTER", "MEET", "127.0.0.1", first);
            }
        }
        int per = SLOTS / masters.size();
        for (int i = 0; i < masters.size(); i++) {
            int from = i * per;
            int to = i == masters.size() - 1 ? SLOTS - 1 : from + per - 1;
            List<Object> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = from; slot <= to; slot++) {
                args.add(slot);
            }
            Resp.call(masters.get(i), args.toArray());
        }
        awaitTrue(Duration.ofSeconds(30), "every node knows every other",
                () -> ports().stream().allMatch(p -> nodeLines(p).size() == ports().size()));
        for (int i = 0; i < replicas.size(); i++) {
            String masterId = Resp.string(masters.get(i), "CLUSTER", "MYID");
            Resp.call(replicas.get(i), "CLUSTER", "REPLICATE", masterId);
        }
        awaitHealthy(Duration.ofSeconds(60));
    }

    /** Waits until every slot is served, every node says OK, and every master has a replica in sync. */
    public void awaitHealthy(Duration atMost) {
        awaitTrue(atMost, "cluster healthy", () -> {
            for (int port : livePorts()) {
                String info = tryString(port, "CLUSTER", "INFO");
                if (info == null || !info.contains("cluster_state:ok")) {
                    return false;
                }
            }
            for (int master : masters()) {
                String replication = tryString(master, "INFO", "replication");
                if (replication == null || !replication.matches("(?s).*slave0:.*state=online.*")) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Waits until {@code port} is a master serving slots, as the live nodes see it. */
    public void awaitMaster(int port, Duration atMost) {
        awaitTrue(atMost, "node " + port + " a master", () -> {
            try {
                return masters().contains(port);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** Waits until the replica of {@code master} has everything the master has (equal offsets). */
    public void awaitReplicated(int master) {
        awaitTrue(Duration.ofSeconds(30), "replica of " + master + " in sync", () -> {
            String replication = Resp.string(master, "INFO", "replication");
            java.util.regex.Matcher own = java.util.regex.Pattern.compile("master_repl_offset:(\\d+)").matcher(replication);
            java.util.regex.Matcher replica = java.util.regex.Pattern.compile("slave0:.*offset=(\\d+)").matcher(replication);
            return own.find() && replica.find() && own.group(1).equals(replica.group(1));
        });
    }

    /** Every node's port, dead or alive. */
    public synchronized List<Integer> ports() {
        return List.copyOf(processes.keySet());
    }

    private synchronized List<Integer> livePorts() {
        return processes.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** The masters that serve slots now, as the live nodes see them. */
    public List<Integer> masters() {
        for (int port : livePorts()) {
            try {
                return nodeLines(port).stream()
                        .filter(l -> l[2].contains("master") && !l[2].contains("fail") && l.length > 8)
                        .map(l -> port(l[1])).sorted().toList();
            } catch (RuntimeException e) {
                // a stalled node: ask the next one
            }
        }
        throw new IllegalStateException("no live node");
    }

    /** The master serving {@code key}'s slot now. */
    public int masterOf(String key) {
        long slot = (Long) Resp.call(livePorts().get(0), "CLUSTER", "KEYSLOT", key);
        for (int port : livePorts()) {
            try {
                for (String[] line : nodeLines(port)) {
                    if (line[2].contains("master") && !line[2].contains("fail") && serves(line, slot)) {
                        return port(line[1]);
                    }
                }
                break;
            } catch (RuntimeException e) {
                // ask the next one
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    private static boolean serves(String[] line, long slot) {
        for (int i = 8; i < line.length; i++) {
            if (line[i].startsWith("[")) {
                continue; // a slot being migrated
            }
            String[] range = line[i].split("-");
            long from = Long.parseLong(range[0]);
            long to = range.length > 1 ? Long.parseLong(range[1]) : from;
            if (slot >= from && slot <= to) {
                return true;
            }
        }
        return false;
    }

    /** The replica of {@code master}. */
    public int replicaOf(int master) {
        String id = Resp.string(master, "CLUSTER", "MYID");
        return nodeLines(master).stream().filter(l -> l[3].equals(id) && !l[2].contains("fail")).map(l -> port(l[1]))
                .findFirst().orElseThrow(() -> new IllegalStateException("no replica of " + master));
    }

    private static List<String[]> nodeLines(int port) {
        String nodes = Resp.string(port, "CLUSTER", "NODES");
        return nodes.lines().filter(l -> !l.isBlank()).map(l -> l.split(" ")).collect(Collectors.toList());
    }

    private static int port(String address) {
        // ip:port@cport
        String hostPort = address.split("@")[0];
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    /** REDIS_URL of the service: every node, comma-separated. */
    public String url() {
        return ports().stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** SIGKILL: the node dies without a word, as a crashed or OOM-killed server does. */
    public synchronized void kill(int port) {
        Process process = processes.get(port);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a killed node again on its port with its nodes.conf: it rejoins the cluster as a replica. */
    public void restart(int port) {
        try {
            launch(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGSTOP: the node's port stays open and nothing answers, until {@link #thaw}. */
    public void freeze(int port) {
        signal("STOP", processes.get(port).pid());
    }

    public void thaw(int port) {
        signal("CONT", processes.get(port).pid());
    }

    private static void signal(String signal, long pid) {
        try {
            if (new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One command to one node, summed over nothing: what that node answers. */
    public Object call(int port, Object... args) {
        return Resp.call(port, args);
    }

    /** A field of {@code INFO <section>} of one node, or null. */
    public static String info(int port, String section, String field) {
        String info = Resp.string(port, "INFO", section);
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return null;
    }

    private static String tryString(int port, Object... args) {
        try {
            Object reply = Resp.call(port, 1_000, args);
            return reply == null ? null : reply.toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void awaitTrue(Duration atMost, String what, java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await("Redis Cluster: " + what).atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    @Override
    public synchronized void close() {
        processes.values().forEach(p -> {
            p.destroyForcibly();
        });
    }
}
