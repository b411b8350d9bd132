package dev.scenecache.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.RedisTestServer;

/**
 * The zero-setup local run ({@code ./mvnw -Plocal}): provisions a real PostgreSQL (data kept in
 * {@code .local/pgdata}, so it survives restarts) and a real Redis when none is configured, then runs
 * the packaged service against them as a child process and stops everything when it ends or on Ctrl-C.
 *
 * <p>
 * {@code ./mvnw -Plocal-dev} does the same for Quarkus dev mode (live reload).
 *
 * <p>
 * It lives in the test sources on purpose: the embedded servers never reach the packaged service,
 * which only ever connects to servers it is given ({@code PG_URL}, {@code REDIS_URL}, ...).
 */
public final class LocalLauncher {

    private LocalLauncher() {
    }

    public static void main(String[] args) throws Exception {
        boolean devMode = args.length == 1 && args[0].equals("--dev");
        if (args.length != 1 || !(devMode || Files.isRegularFile(Path.of(args[0])))) {
            System.err.println("usage: LocalLauncher <path to quarkus-run.jar> | --dev");
            System.exit(2);
        }
        Path home = Path.of(System.getProperty("scenecache.local.dir", ".local")).toAbsolutePath();
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        List<Runnable> stops = new ArrayList<>();

        if (blank(env.get("PG_URL"))) {
            PostgresServer pg = PostgresServer.start(home.resolve("pgdata"), home.resolve("pg-bin"), 0, Map.of());
            stops.add(pg::stop);
            env.put("PG_URL", pg.url());
            env.put("PG_USER", pg.user());
            env.put("PG_PASSWORD", "local");
            say("PostgreSQL " + pg.url() + " (data in " + home.resolve("pgdata") + ")");
        } else {
            say("PostgreSQL from PG_URL");
        }
        if (blank(env.get("REDIS_URL")) && blank(env.get("REDIS_HOST"))) {
            RedisTestServer redis = RedisTestServer.start(home.resolve("redis-bin"), 0);
            stops.add(0, redis::stop);
            env.put("REDIS_URL", redis.url());
            say("Redis " + redis.url());
        } else {
            say("Redis from REDIS_URL / REDIS_HOST");
        }
        if (blank(env.get("ADMIN_TOKEN"))) {
            byte[] token = new byte[24];
            new SecureRandom().nextBytes(token);
            env.put("ADMIN_TOKEN", HexFormat.of().formatHex(token));
            say("admin token for this run: " + env.get("ADMIN_TOKEN"));
        }
        String port = blank(env.get("PORT")) ? "8080" : env.get("PORT");
        env.put("PORT", port);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // --dev runs Quarkus dev mode (live reload) instead of the packaged jar, against the same servers.
        List<String> command = devMode
                ? List.of(Path.of(System.getProperty("scenecache.mvnw", "../mvnw")).toAbsolutePath().toString(), "quarkus:dev")
                : List.of(java, "-jar", args[0]);
        ProcessBuilder service = new ProcessBuilder(command).inheritIO();
        service.environment().clear();
        service.environment().putAll(env);
        service.directory(new File("."));
        Process process = service.start();
        say("scenecache starting on http://localhost:" + port + "  (dashboard /dashboard, API /q/swagger-ui; Ctrl-C stops)");

        Thread shutdown = new Thread(() -> {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stops.forEach(LocalLauncher::quietly);
        }, "stop-local-servers");
        Runtime.getRuntime().addShutdownHook(shutdown);
        int exit = process.waitFor();
        say("scenecache exited with " + exit);
        // Stopped by Ctrl-C or SIGTERM is a normal end of a local run.
        System.exit(exit == 130 || exit == 143 ? 0 : exit);
    }

    private static void quietly(Runnable stop) {
        try {
            stop.run();
        } catch (RuntimeException e) {
            System.err.println("[local] stop failed: " + e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void say(String line) {
        System.out.println("[local] " + line);
    }
}
