package dev.scenecache.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Servers locked down as in production, started once per test JVM when a test asks: a private CA made
 * for the run ({@link #authority()}, and an {@link #untrusted()} one that signed nothing the servers
 * use), a Redis that takes only TLS with a client certificate from scenecache's least-privilege ACL user
 * ({@link #redis()}), and a PostgreSQL that takes only TLS, from a user with a password
 * ({@link #postgres()}). Passwords are made per run.
 */
public final class SecureServers {

    private static final Path DIR = Path.of("target", "secure-servers-" + UUID.randomUUID()).toAbsolutePath();
    private static Certificates authority;
    private static Certificates untrusted;
    private static TlsRedis redis;
    private static TlsPostgres postgres;

    private SecureServers() {
    }

    public static synchronized Certificates authority() {
        if (authority == null) {
            authority = Certificates.authority(DIR.resolve("ca"), "trusted");
        }
        return authority;
    }

    public static synchronized Certificates untrusted() {
        if (untrusted == null) {
            untrusted = Certificates.authority(DIR.resolve("untrusted-ca"), "untrusted");
        }
        return untrusted;
    }

    /**
     * Redis with TLS on {@link TlsRedis#tlsPort()} ({@code tls-auth-clients yes}: a client certificate
     * signed by {@link #authority()} is required), the default user off and scenecache's ACL user. Its
     * plain port stays open on loopback for the tests' own commands, as the user {@code operator}; that
     * the service used only TLS is checked with {@code CLIENT LIST}.
     */
    public static synchronized TlsRedis redis() {
        if (redis == null) {
            Path program = Tools.require(System.getProperty("scenecache.redis-server", "/usr/bin/redis-server"),
                    "redis-server");
            Certificates.Pair server = authority().server("redis");
            String password = "redis-pw-" + UUID.randomUUID();
            String operator = "operator-pw-" + UUID.randomUUID();
            int tlsPort = PostgresServer.freePort();
            RedisTestServer started = RedisTestServer.startProgram(program, 0, List.of(
                    "tls-port " + tlsPort,
                    "tls-cert-file " + server.cert(),
                    "tls-key-file " + server.key(),
                    "tls-ca-cert-file " + authority().caFile(),
                    "tls-auth-clients yes",
                    "user default off",
                    aclLine(password),
                    "user operator on >" + operator + " ~* &* +@all"));
            redis = new TlsRedis(started, tlsPort, password, operator, authority().client("scenecache"));
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-tls-redis"));
        }
        return redis;
    }

    /** README's ACL line: the commands scenecache and its scripts send, on its keys and channels only. */
    public static String aclLine(String password) {
        return "user scenecache on >" + password + " resetkeys ~sc:* resetchannels &sc:* -@all"
                + " +ping +hello +client|setname +info +get +set +mget +del +eval +evalsha +publish +subscribe"
                + " +unsubscribe +time +hset +hmget +pexpire +config|set +cluster|nodes +cluster|myid";
    }

    /** A Redis for TLS tests, and the settings that reach it as scenecache's user. */
    public record TlsRedis(RedisTestServer server, int tlsPort, String password, String operatorPassword,
            Certificates.Pair client) {

        /** A command on the plain loopback port, as the operator. */
        public Object operator(Object... command) {
            return Resp.callAs(server.port(), "operator", operatorPassword, command);
        }

        /** The environment of a service that reaches this Redis over TLS as scenecache's ACL user. */
        public Map<String, String> env(Path ca) {
            return Map.of("REDIS_URL", "rediss://127.0.0.1:" + tlsPort,
                    "REDIS_USER", "scenecache",
                    "REDIS_PASSWORD", password,
                    "REDIS_TLS_CA_FILE", ca.toString(),
                    "REDIS_TLS_CERT_FILE", client.cert().toString(),
                    "REDIS_TLS_KEY_FILE", client.key().toString());
        }

        /** The server's process id, to stall it with SIGSTOP. */
        public long pid() {
            for (String line : String.valueOf(operator("INFO", "server")).split("\r?\n")) {
                if (line.startsWith("process_id:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            throw new IllegalStateException("no process_id in INFO");
        }
    }

    /**
     * PostgreSQL with {@code ssl=on} and a server certificate signed by {@link #authority()}, whose
     * {@code pg_hba.conf} refuses every connection without TLS, and the user {@code scenecache} with a
     * password owning the database {@code scenecache}.
     */
    public static synchronized TlsPostgres postgres() {
        if (postgres == null) {
            try {
                Certificates.Pair server = authority().server("postgres");
                Path hba = DIR.resolve("pg_hba.conf");
                Files.writeString(hba, """
                        local all all trust
                        hostssl all postgres 127.0.0.1/32 trust
                        hostssl all postgres ::1/128 trust
                        hostssl all scenecache 127.0.0.1/32 scram-sha-256
                        host all all all reject
                        """);
                Map<String, String> settings = new HashMap<>(PostgresServer.fastSettings());
                settings.putAll(Map.of("ssl", "on", "ssl_cert_file", server.cert().toString(), "ssl_key_file",
                        server.key().toString(), "hba_file", hba.toString(), "password_encryption", "scram-sha-256"));
                PostgresServer started = PostgresServer.start(DIR.resolve("pg-data"),
                        Path.of("target", "test-pg", "bin").toAbsolutePath(), 0, settings);
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-tls-postgres"));
                String password = "pg-pw-" + UUID.randomUUID();
                try (Connection c = started.connect(); Statement s = c.createStatement()) {
                    s.execute("CREATE ROLE scenecache LOGIN PASSWORD '" + password + "'");
                    s.execute("CREATE DATABASE scenecache OWNER scenecache");
                }
                postgres = new TlsPostgres(started, password);
            } catch (java.io.IOException | SQLException e) {
                throw new IllegalStateException("the TLS PostgreSQL did not start", e);
            }
        }
        return postgres;
    }

    /** A PostgreSQL for TLS tests, and the settings that reach it as scenecache's user. */
    public record TlsPostgres(PostgresServer server, String password) {

        /** The environment of a service that reaches this PostgreSQL with {@code PG_SSLMODE=mode}. */
        public Map<String, String> env(String mode, Path rootCert) {
            Map<String, String> env = new HashMap<>(Map.of("PG_URL",
                    "postgresql://127.0.0.1:" + server.port() + "/scenecache", "PG_USER", "scenecache", "PG_PASSWORD",
                    password, "PG_SSLMODE", mode));
            if (rootCert != null) {
                env.put("PG_SSL_ROOT_CERT", rootCert.toString());
            }
            return env;
        }
    }
}
