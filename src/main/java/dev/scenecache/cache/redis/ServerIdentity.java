package dev.scenecache.cache.redis;

/**
 * Which Redis, which data: the server process ({@code run_id}, new at every start), its replication history
 * ({@code master_replid}, and {@code master_replid2}: the history it continued when a replica was promoted)
 * and its role, from {@code INFO server} and {@code INFO replication}.
 *
 * <p>
 * Its {@link #signature} is stored beside the cache generations ({@code sc:{gen}:topology}) by the fence
 * ({@code topology.lua}). A Redis that restarts from a snapshot or an AOF, or a replica promoted behind the
 * same address or by Sentinel, holds the signature of the process that wrote its data, not its own: the
 * data may be older than what instances acknowledged, so every cache generation moves on before L2 is read
 * (docs/architecture.md, "Redis that forgets").
 */
public record ServerIdentity(String runId, String replicationId, String previousReplicationId, String role) {

    /** From the text of {@code INFO server} and {@code INFO replication} (either order, or one {@code INFO}). */
    public static ServerIdentity parse(String info) {
        return new ServerIdentity(field(info, "run_id"), field(info, "master_replid"), field(info, "master_replid2"),
                field(info, "role"));
    }

    /** The data's owner as the fence stores it: the process and its replication history. */
    public String signature() {
        return "redis:" + runId + ":" + replicationId;
    }

    public boolean master() {
        return "master".equals(role);
    }

    /** Whether this server is a replica of {@code earlier}'s history promoted since (a failover). */
    public boolean promotedFrom(ServerIdentity earlier) {
        return earlier != null && earlier.replicationId != null && earlier.replicationId.equals(previousReplicationId);
    }

    /** The run id as shown to operators: its first 8 characters. */
    public String shortId() {
        return runId == null ? "?" : runId.substring(0, Math.min(8, runId.length()));
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }
}
