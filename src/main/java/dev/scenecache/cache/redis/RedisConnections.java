package dev.scenecache.cache.redis;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.scenecache.cache.coherence.Coherence;
import dev.scenecache.cache.redis.cluster.ClusterRouter;
import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/**
 * How scenecache reaches Redis, in one place: every Redis client it opens gets its user, password and
 * TLS settings here. That is the client Quarkus makes from {@code REDIS_URL} (through
 * {@link #customize}), and the ones scenecache makes itself: one per Redis Cluster node
 * ({@link ClusterRouter}), the invalidation subscription and its publishers ({@link Coherence}).
 *
 * <ul>
 * <li>{@code REDIS_USER}: the ACL user, for addresses that do not name one ({@code redis://user:pw@host}
 * does). {@code REDIS_PASSWORD}: its password, for addresses that do not hold one.</li>
 * <li>TLS is on for {@code rediss://} addresses, all of them or none. {@code REDIS_TLS_CA_FILE}: a PEM file
 * of the CA(s) to trust instead of the JVM's; {@code REDIS_TLS_CERT_FILE} and {@code REDIS_TLS_KEY_FILE}:
 * a client certificate and its key (PEM), for servers with {@code tls-auth-clients yes}. The server's name
 * is checked against its certificate unless {@code REDIS_TLS_VERIFY_HOSTNAME=false} (for Redis Cluster
 * nodes that announce addresses their certificates do not list).</li>
 * </ul>
 * Settings that cannot work stop the start with the reason, never a secret: a TLS file that cannot be
 * read, a certificate without its key, TLS files with {@code redis://} addresses (the operator meant TLS
 * and would get plain text).
 */
@Singleton
public class RedisConnections implements RedisOptionsCustomizer {

    private final Optional<String> user;
    private final Optional<String> password;
    private final Optional<Path> caFile;
    private final Optional<Path> certFile;
    private final Optional<Path> keyFile;
    private final boolean verifyHostname;
    private final boolean tls;

    public RedisConnections(@ConfigProperty(name = "quarkus.redis.hosts") List<URI> hosts,
            @ConfigProperty(name = "redis.user") Optional<String> user,
            @ConfigProperty(name = "quarkus.redis.password") Optional<String> password,
            @ConfigProperty(name = "redis.tls.ca-file") Optional<Path> caFile,
            @ConfigProperty(name = "redis.tls.cert-file") Optional<Path> certFile,
            @ConfigProperty(name = "redis.tls.key-file") Optional<Path> keyFile,
            @ConfigProperty(name = "redis.tls.verify-hostname", defaultValue = "true") boolean verifyHostname) {
        this.user = user.filter(u -> !u.isBlank());
        this.password = password.filter(p -> !p.isEmpty());
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.verifyHostname = verifyHostname;
        this.tls = validate(hosts);
    }

    private boolean validate(List<URI> hosts) {
        long secure = hosts.stream().filter(RedisConnections::secure).count();
        if (secure != 0 && secure != hosts.size()) {
            throw new IllegalStateException("REDIS_URL: either every Redis address is rediss:// (TLS) or none is");
        }
        boolean files = caFile.isPresent() || certFile.isPresent() || keyFile.isPresent();
        if (files && secure == 0) {
            throw new IllegalStateException(
                    "REDIS_TLS_* files are set but REDIS_URL is not rediss://: the connection would not be encrypted");
        }
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalStateException("REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together");
        }
        readable("REDIS_TLS_CA_FILE", caFile);
        readable("REDIS_TLS_CERT_FILE", certFile);
        readable("REDIS_TLS_KEY_FILE", keyFile);
        user.ifPresent(u -> {
            if (!u.matches("[^\\s]+")) {
                throw new IllegalStateException("REDIS_USER must not contain spaces");
            }
        });
        return secure > 0;
    }

    private static void readable(String setting, Optional<Path> file) {
        file.filter(f -> !Files.isReadable(f)).ifPresent(f -> {
            throw new IllegalStateException(setting + " cannot be read: " + f);
        });
    }

    private static boolean secure(URI uri) {
        return "rediss".equalsIgnoreCase(uri.getScheme());
    }

    /** Whether Redis is reached over TLS. */
    public boolean tls() {
        return tls;
    }

    /** The client Quarkus makes from {@code quarkus.redis.*}. */
    @Override
    public void customize(String clientName, RedisOptions options) {
        options.setEndpoints(options.getEndpoints().stream().map(this::endpoint).toList());
        apply(options);
    }

    /** Options for a client of one node at {@code endpoint} (a {@code redis://} or {@code rediss://} URI). */
    public RedisOptions options(String endpoint) {
        return apply(new RedisOptions().setConnectionString(endpoint(endpoint)));
    }

    /**
     * Options for a client of the master that {@code sentinels} name {@code masterName}: the sentinels and
     * the master reached with the same user, password and TLS settings.
     */
    public RedisOptions sentinelOptions(List<URI> sentinels, String masterName) {
        RedisOptions options = new RedisOptions().setType(RedisClientType.SENTINEL).setMasterName(masterName)
                .setRole(RedisRole.MASTER)
                .setEndpoints(sentinels.stream().map(uri -> endpoint(uri.toString())).toList());
        return apply(options);
    }

    private RedisOptions apply(RedisOptions options) {
        if (options.getPassword() == null) {
            password.ifPresent(options::setPassword);
        }
        if (tls) {
            NetClientOptions net = options.getNetClientOptions();
            net.setSsl(true).setHostnameVerificationAlgorithm(verifyHostname ? "HTTPS" : "");
            caFile.ifPresent(ca -> net.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
            certFile.ifPresent(cert -> net.setKeyCertOptions(
                    new PemKeyCertOptions().addCertPath(cert.toString()).addKeyPath(keyFile.orElseThrow().toString())));
        }
        return options;
    }

    /** {@code endpoint} naming {@code REDIS_USER} when it names no user itself. */
    String endpoint(String endpoint) {
        if (user.isEmpty()) {
            return endpoint;
        }
        URI uri = URI.create(endpoint);
        String info = uri.getRawUserInfo();
        boolean namesUser = info != null && info.indexOf(':') > 0
                || uri.getRawQuery() != null && uri.getRawQuery().matches("(^|.*&)user=.*");
        if (namesUser) {
            return endpoint;
        }
        return endpoint + (uri.getRawQuery() == null ? "?" : "&") + "user="
                + URLEncoder.encode(user.get(), StandardCharsets.UTF_8);
    }
}
