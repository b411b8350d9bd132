package dev.scenecache.cache.redis.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.cache.redis.RedisMode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * Redis Cluster only ({@code REDIS_CLIENT_TYPE=cluster}): which master serves which hash slot, as this
 * instance has verified it, and how fresh that knowledge is. It keeps L2 from answering with data that a
 * failover lost.
 *
 * <p>
 * Replication is asynchronous: a master may acknowledge a write-through, a tombstone, a deletion or a
 * generation bump and die before its replica has it; the promoted replica then holds older data, and a
 * client that follows the new slot map would serve it. The invariants that exclude this:
 * <ul>
 * <li><b>Only trusted masters answer.</b> Every L2 read goes on a connection whose node gave its
 * {@code CLUSTER MYID} when the connection opened ({@link ClusterRouter#pipelineOn}); its answers are used
 * only when that node is the trusted master of every slot read (the {@link View} this instance last
 * reconciled, and the one trusted when the read started). Otherwise the read is a bypass, and a poll runs
 * at once.</li>
 * <li><b>A new master is trusted only after L2 was flushed.</b> A view's signature lists every
 * slot-serving master's id and config epoch (a promotion always takes a new epoch, so no two views of
 * different masters share a signature). Before a view with another signature is trusted, the instance
 * runs {@code topology.lua}: when the signature stored in Redis ({@code sc:{gen}:topology}) differs,
 * every cache generation moves on (an O(1) flush of L2; nothing stored before it is read again), and the
 * new signature is stored; the first instance to see a failover flushes, the others find it done.
 * Generations never go back, even when the flush's own slot failed over (they are floored at the
 * instance's view + 1 and at the server clock).</li>
 * <li><b>A fresh view.</b> The topology is polled every {@code cache.redis.topology-refresh}; L2 is read
 * only while the last poll that confirmed the trusted view started less than
 * {@code cache.redis.topology-fence} ago, which is shorter than a failover can take
 * ({@code cluster-node-timeout}, 1 s or more), so an instance cut off from the cluster stops trusting a
 * master before it can have been replaced.</li>
 * </ul>
 * L1 is not flushed by a failover: it is kept coherent by the acknowledged invalidations, not by Redis'
 * data.
 */
@ApplicationScoped
public class ClusterTopology {

    /** One poll of {@code CLUSTER NODES}: the slot-serving masters (id to address) and every live node. */
    public record View(String signature, String[] ownerBySlot, Map<String, URI> addresses, List<URI> nodes) {
        public String owner(int slot) {
            return ownerBySlot[slot];
        }

        /** Where the master of {@code slot} is, or null. */
        public URI address(int slot) {
            String owner = ownerBySlot[slot];
            return owner == null ? null : addresses.get(owner);
        }
    }

    private final boolean enabled;
    private final List<URI> seeds;
    private final long fenceNanos;
    private final Duration timeout;

    private volatile View trusted;
    private volatile View lastPolled;
    private volatile long confirmedAt;
    private volatile boolean suspect;

    public ClusterTopology(CacheConfig config,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType,
            @ConfigProperty(name = "quarkus.redis.hosts") List<URI> hosts) {
        this.enabled = RedisMode.of(clientType) == RedisMode.CLUSTER;
        this.seeds = List.copyOf(hosts);
        this.fenceNanos = config.redis().topologyFence().toNanos();
        this.timeout = config.redis().timeout().multipliedBy(4);
    }

    /** Whether Redis is a cluster (else every method here is moot and {@link #usable()} is true). */
    public boolean enabled() {
        return enabled;
    }

    /** L2 may be read: not a cluster, or a trusted view confirmed within the fence. */
    public boolean usable() {
        return !enabled || (trusted != null && System.nanoTime() - confirmedAt < fenceNanos);
    }

    /** A read was answered by another node than the trusted one, or redirected: poll at once. */
    public void suspect() {
        suspect = true;
    }

    public boolean suspected() {
        return suspect;
    }

    /** The view L2 reads are answered from, or null (not a cluster, or none reconciled yet). */
    public View trusted() {
        return trusted;
    }

    /** Nodes to connect to (for the subscription, settings): the last poll's live nodes, else the seeds. */
    public List<URI> nodes() {
        View view = lastPolled;
        return view == null || view.nodes().isEmpty() ? seeds : view.nodes();
    }

    /** The last view polled (where commands go), or null. */
    public View lastPolled() {
        return lastPolled;
    }

    /** The master serving {@code slot} as last polled (where commands go), or null before the first poll. */
    public URI addressOf(int slot) {
        View view = lastPolled;
        return view == null ? null : view.address(slot);
    }

    /**
     * Polls {@code CLUSTER NODES}, asking the live nodes (then the seeds) in turn until one answers; each
     * within four Redis timeouts.
     */
    public Uni<View> poll(ClusterRouter router) {
        suspect = false;
        List<URI> order = new ArrayList<>(nodes());
        seeds.stream().filter(s -> !order.contains(s)).forEach(order::add);
        Uni<View> attempt = Uni.createFrom().failure(new IllegalStateException("no Redis Cluster node answered"));
        for (int i = order.size() - 1; i >= 0; i--) {
            URI node = order.get(i);
            Uni<View> next = attempt;
            attempt = Uni.createFrom().deferred(() -> router.sendTo(node, Request.cmd(Command.CLUSTER).arg("NODES")))
                    .ifNoItem().after(timeout).fail()
                    .map(reply -> parse(reply.toString(), seeds.get(0)))
                    .onFailure().recoverWithUni(() -> next);
        }
        return attempt.invoke(view -> lastPolled = view);
    }

    /** The view, polled at {@code startedAt}, is trusted (its flush, if any, is done). */
    public void trust(View view, long startedAt) {
        trusted = view;
        confirmedAt = Math.max(confirmedAt, startedAt);
    }

    /** A poll that started at {@code startedAt} found the trusted view unchanged. */
    public void confirm(long startedAt) {
        confirmedAt = Math.max(confirmedAt, startedAt);
    }

    /** Parses {@code CLUSTER NODES}; node URIs keep the scheme and credentials of {@code template}. */
    static View parse(String nodes, URI template) {
        String[] owners = new String[HashSlot.SLOTS];
        TreeSet<String> signature = new TreeSet<>();
        List<URI> live = new ArrayList<>();
        Map<String, URI> addresses = new HashMap<>();
        for (String line : nodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String id = f[0];
            String flags = f[2];
            String address = f[1].split("[@,]")[0];
            int colon = address.lastIndexOf(':');
            URI uri = colon > 0 && !address.endsWith(":0") && !flags.contains("noaddr")
                    ? URI.create((template.getScheme() == null ? "redis" : template.getScheme()) + "://"
                            + (template.getRawUserInfo() == null ? "" : template.getRawUserInfo() + "@") + address)
                    : null;
            if (uri != null && !flags.contains("fail") && !flags.contains("handshake")) {
                live.add(uri);
            }
            if (!flags.contains("master") || f.length < 9) {
                continue;
            }
            boolean serves = false;
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being imported or migrated: still served by its owner
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                Arrays.fill(owners, from, to + 1, id);
                serves = true;
            }
            if (serves) {
                signature.add(id + "@" + f[6]);
                if (uri != null) {
                    addresses.put(id, uri);
                }
            }
        }
        return new View(String.join(",", signature), owners, Map.copyOf(addresses), List.copyOf(live));
    }

}
