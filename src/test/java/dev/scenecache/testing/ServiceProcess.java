package dev.scenecache.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * The packaged service as a child process, the way a user runs it, with the environment variables of
 * a deployment, pointed at the tests' PostgreSQL and Redis. Which artifact is set by the system
 * property {@code scenecache.it.artifact}:
 * <ul>
 * <li>{@code jar} (the default): {@code java -jar target/quarkus-app/quarkus-run.jar};
 * <li>{@code native}: the native executable {@code target/*-runner};
 * <li>{@code image:<name>}: a container image, run by podman with {@code --network host}, so that it
 * reaches the servers on loopback as the jar does; {@link #terminate()} sends {@code SIGTERM} through
 * {@code podman kill}.
 * </ul>
 * Its output goes to a log file under {@code target/}.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;
    /** The podman container's name, for an image; else null. */
    private final String containerName;

    private ServiceProcess(Process process, int port, Path log, String containerName) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.containerName = containerName;
    }

    /**
     * The artifact under test: {@code jar}, {@code native} or {@code image:<name>} (the benchmarks also use
     * {@code jar:<JVM options>} and {@code native:<path>}).
     */
    public static String artifact() {
        return System.getProperty("scenecache.it.artifact", "jar");
    }

    /**
     * Whether the artifact under test is the native executable, bare or in its image
     * ({@code image:localhost/scenecache-native:<version>}): what the native build leaves out, it refuses.
     */
    public static boolean isNative() {
        String artifact = artifact();
        return artifact.equals("native") || artifact.startsWith("native:")
                || artifact.startsWith("image:") && artifact.contains("/scenecache-native:");
    }

    /** Starts the artifact with the test servers' addresses plus {@code env}, and waits until it is ready. */
    public static ServiceProcess start(String name, Map<String, String> env) throws IOException {
        return start(name, env, artifact(), Path.of("target"));
    }

    /**
     * Starts {@code artifact} ({@code jar}, {@code native} or {@code image:<name>}) built in the service's
     * {@code target} folder, with the test servers' addresses plus {@code env}, and waits until it is ready.
     */
    public static ServiceProcess start(String name, Map<String, String> env, String artifact, Path target)
            throws IOException {
        Map<String, String> all = new HashMap<>();
        all.put("PG_URL", TestServers.postgres().url());
        all.put("PG_USER", TestServers.postgres().user());
        all.put("PG_PASSWORD", "unused");
        all.put("REDIS_URL", TestServers.redis().url());
        all.put("ADMIN_TOKEN", "test-admin-token");
        all.putAll(env);
        int port = PostgresServer.freePort();
        String containerName = artifact.startsWith("image:") ? name + "-" + port : null;
        List<String> command = command(artifact, containerName, all, target);
        return launch(command, all, port, Path.of("target", name + "-" + port + ".log"), containerName);
    }

    /**
     * Starts a packaged jar with {@code jvmOptions} and exactly {@code env} (plus {@code PORT}): for the
     * benchmarks, which bring their own servers and settings.
     */
    public static ServiceProcess startJar(Path jar, List<String> jvmOptions, Map<String, String> env, Path log)
            throws IOException {
        require(jar, "package the service first");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        return launch(command, env, PostgresServer.freePort(), log, null);
    }

    private static ServiceProcess launch(List<String> command, Map<String, String> env, int port, Path log,
            String containerName) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG_") || k.startsWith("REDIS_") || k.startsWith("AI_"));
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        Path absolute = log.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        builder.redirectOutput(absolute.toFile());
        ServiceProcess service = new ServiceProcess(builder.start(), port, absolute, containerName);
        try {
            service.awaitReady();
        } catch (RuntimeException e) {
            try {
                service.close(); // not ready: nothing left running
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        return service;
    }

    private static List<String> command(String artifact, String containerName, Map<String, String> env, Path target)
            throws IOException {
        if (artifact.equals("jar") || artifact.startsWith("jar:")) {
            Path jar = target.resolve("quarkus-app").resolve("quarkus-run.jar").toAbsolutePath();
            require(jar, "run the integration tests with verify");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m"));
            // jar:<options>: more JVM options (space-separated), for the deployment benchmark's comparisons
            if (artifact.startsWith("jar:")) {
                command.addAll(List.of(artifact.substring("jar:".length()).trim().split("\\s+")));
            }
            command.addAll(List.of("-jar", jar.toString()));
            return command;
        }
        if (artifact.equals("native") || artifact.startsWith("native:")) {
            // native:<path>: another build of the executable, for the deployment benchmark's comparisons
            Path runner = artifact.equals("native") ? runner(target) : Path.of(artifact.substring("native:".length()));
            require(runner, "build that executable first");
            List<String> command = new ArrayList<>(List.of(runner.toString()));
            // Run-time options of the executable (e.g. -Xmn...), for the deployment benchmark.
            String options = System.getProperty("scenecache.native.options", "");
            if (!options.isBlank()) {
                command.addAll(List.of(options.trim().split("\\s+")));
            }
            return command;
        }
        if (artifact.startsWith("image:")) {
            // --init: a PID 1 that forwards SIGTERM, as a container runtime on Kubernetes does.
            List<String> command = new ArrayList<>(List.of("podman", "run", "--rm", "--init", "--name", containerName,
                    "--network", "host", "--stop-timeout", "30",
                    // The Deployment's memory limit: the JVM sizes its heap from it, as on Kubernetes (the
                    // README's 768Mi with the semantic cache on: its model and ONNX Runtime need ~185 MB more).
                    "--memory", "true".equals(env.get("AI_SEMANTIC_CACHE")) ? "768m" : "512m"));
            // Files the environment names (TLS certificates and keys) mounted read-only at the same paths, as
            // a Kubernetes Secret volume would be.
            env.values().stream().filter(v -> v.startsWith("/") && Files.isRegularFile(Path.of(v)))
                    .map(v -> Path.of(v).getParent().toString()).distinct()
                    .forEach(dir -> command.addAll(List.of("--volume", dir + ":" + dir + ":ro")));
            // PORT too: launch() puts it in this process' environment, where podman takes the values from.
            env.keySet().forEach(k -> command.addAll(List.of("--env", k)));
            command.addAll(List.of("--env", "PORT", artifact.substring("image:".length())));
            return command;
        }
        throw new IllegalArgumentException("scenecache.it.artifact: jar, native or image:<name>, not " + artifact);
    }

    /** The native executable: {@code native.image.path} (set by the build), else the one {@code *-runner} in {@code target}. */
    public static Path runner(Path target) throws IOException {
        String configured = System.getProperty("native.image.path");
        if (configured != null && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath();
        }
        try (var files = Files.list(target)) {
            List<Path> runners = files.filter(f -> f.getFileName().toString().endsWith("-runner") && Files.isRegularFile(f))
                    .toList();
            if (runners.size() != 1) {
                throw new IllegalStateException("no native executable in " + target.toAbsolutePath()
                        + ": build it with ./mvnw verify -Dnative (GRAALVM_HOME set)");
            }
            return runners.get(0).toAbsolutePath();
        }
    }

    private static void require(Path file, String hint) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no " + file + ": " + hint);
        }
    }

    /**
     * The host's process id of the service itself: the child process, or for a container the process
     * that podman's init runs (for its resident memory).
     */
    public long servicePid() throws IOException, InterruptedException {
        if (containerName == null) {
            return process.pid();
        }
        Process inspect = new ProcessBuilder("podman", "inspect", "--format", "{{.State.Pid}}", containerName).start();
        long init = Long.parseLong(new String(inspect.getInputStream().readAllBytes()).trim());
        inspect.waitFor();
        // --init: the service is the init's child (the deepest descendant, to be sure).
        return ProcessHandle.of(init).flatMap(h -> h.descendants().reduce((a, b) -> b)).map(ProcessHandle::pid).orElse(init);
    }

    /** Resident memory of the service, in bytes (VmRSS). */
    public long residentBytes() throws IOException, InterruptedException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(servicePid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for the service");
    }

    /** Sends SIGTERM to the service (through podman for a container). */
    public void terminate() throws IOException, InterruptedException {
        if (containerName != null) {
            new ProcessBuilder("podman", "kill", "--signal", "TERM", containerName).inheritIO().start().waitFor();
        } else {
            process.destroy();
        }
    }

    public int port() {
        return port;
    }

    /**
     * Waits until readiness reports the cache "ok": its subscription established and its own heartbeat heard. Ready
     * alone means serving, with or without the cache (it answers from PostgreSQL meanwhile), and a native executable
     * or an image is ready before the cache is: a test that counts cache outcomes starts after this.
     */
    public void awaitCache() {
        Awaitility.await("the cache of the service on port " + port).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Http.send(port, "GET", "/q/health/ready", null, 200).body().replace(" ", "")
                        .contains("\"cache\":\"ok\""));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady() {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n" + log());
                    }
                    try {
                        return HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (containerName != null && process.isAlive()) {
            new ProcessBuilder("podman", "rm", "--force", "--time", "0", containerName).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
