package dev.scenecache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (zonky's embedded binaries) on a loopback port, with its data in a folder that
 * outlives the process: {@link #stop()} and {@link #start()} bring it down and back on the same port
 * with the same data, the way a database outage does.
 */
public final class PostgresServer {

    private final Path dataDir;
    private final Path workDir;
    private final Map<String, String> settings;
    private final int port;
    private EmbeddedPostgres postgres;

    private PostgresServer(Path dataDir, Path workDir, int port, Map<String, String> settings) {
        this.dataDir = dataDir;
        this.workDir = workDir;
        this.port = port;
        this.settings = settings;
    }

    /**
     * Starts a server on a free port (or {@code port} when positive). The data folder is created and
     * initialised when empty, and kept as it is otherwise.
     */
    public static PostgresServer start(Path dataDir, Path workDir, int port, Map<String, String> settings) {
        PostgresServer server = new PostgresServer(dataDir, workDir, port > 0 ? port : freePort(), settings);
        server.start();
        return server;
    }

    /** Settings that trade durability for speed: for tests only. */
    public static Map<String, String> fastSettings() {
        return Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off",
                "shared_preload_libraries", "pg_stat_statements", "pg_stat_statements.track", "all");
    }

    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(workDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(workDir.toFile())
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200");
            settings.forEach(builder::setServerConfig);
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start in " + dataDir, e);
        }
    }

    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            postgres = null;
        }
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    public int port() {
        return port;
    }

    /** The URL in the form {@code PG_URL} takes. */
    public String url() {
        return "postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    /** A plain JDBC connection, to read back what the service wrote. */
    public synchronized Connection connect() throws SQLException {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is stopped");
        }
        return postgres.getPostgresDatabase().getConnection();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
