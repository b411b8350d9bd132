package dev.scenecache.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.scenecache.testing.LoadGenerator;
import dev.scenecache.testing.ServiceProcess;

/**
 * {@code ./mvnw -Pbench-deploy}: the deployed forms of the service side by side, on the same real
 * PostgreSQL and Redis and the same data: the JVM jar, the native executable, and their container images
 * (each form only when it was built: {@code service/target/*-runner}, podman images
 * {@code localhost/scenecache-jvm|native:<version>}). Per form: time from the process' start to the first
 * ready answer (and Quarkus' own "started in"), resident memory idle and after a Zipf read load,
 * saturation throughput of cached scene reads in alternated rounds (ratios to the JVM jar between
 * medians), and the image's size. Report in {@code bench/target/bench/deployment.md}.
 *
 * <p>
 * Settings (system properties): {@code bench.seconds} (load per round, 20), {@code bench.rounds} (3),
 * {@code bench.warmup} (30), {@code bench.forms} (jar,native,image-jvm,image-native).
 */
public final class DeploymentBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

    record Form(String name, String artifact) {
    }

    record Figures(List<Double> readyMillis, List<Double> startedMillis, long idleRss, long loadedRss, List<Double> throughput,
            long imageBytes) {
    }

    public static void main(String[] args) throws Exception {
        Path serviceTarget = Path.of(args[0]).toAbsolutePath();
        String version = args[1];
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "20"));
        double warmup = Double.parseDouble(System.getProperty("bench.warmup", "30"));
        int rounds = Integer.getInteger("bench.rounds", 3);
        String wanted = System.getProperty("bench.forms", "jar,native,image-jvm,image-native");
        List<Form> forms = new ArrayList<>();
        if (wanted.contains("jar")) {
            forms.add(new Form("JVM jar", "jar"));
        }
        if (wanted.contains("native") && Files.isRegularFile(serviceTarget.resolve("scenecache-" + version + "-runner"))) {
            System.setProperty("native.image.path", serviceTarget.resolve("scenecache-" + version + "-runner").toString());
            forms.add(new Form("native", "native"));
        }
        for (String kind : List.of("jvm", "native")) {
            String image = "localhost/scenecache-" + kind + ":" + version;
            if (wanted.contains("image-" + kind) && imageBytes(image) > 0) {
                forms.add(new Form("container " + kind, "image:" + image));
            }
        }
        Path dir = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(dir);

        // The data: 20 projects of 50 scenes, written once through the jar.
        List<LoadGenerator.Target> targets;
        try (ServiceProcess seeder = ServiceProcess.start("deploy-seed", Map.of(), "jar", serviceTarget)) {
            targets = seed(seeder.port(), 20, 50);
        }
        say(targets.size() + " scenes");

        Map<String, Figures> results = new LinkedHashMap<>();
        for (Form form : forms) {
            results.put(form.name(), new Figures(new ArrayList<>(), new ArrayList<>(), 0, 0, new ArrayList<>(),
                    form.artifact().startsWith("image:") ? imageBytes(form.artifact().substring(6)) : 0));
        }
        for (int round = 1; round <= rounds; round++) {
            for (Form form : forms) {
                Figures f = results.get(form.name());
                long start = System.nanoTime();
                try (ServiceProcess service = ServiceProcess.start("deploy-" + form.artifact().replaceAll("[^a-z]+", "-"),
                        Map.of(),
                        form.artifact(), serviceTarget)) {
                    double ready = (System.nanoTime() - start) / 1e6;
                    f.readyMillis().add(ready);
                    Matcher started = STARTED.matcher(service.log());
                    f.startedMillis().add(started.find() ? Double.parseDouble(started.group(1)) * 1000 : Double.NaN);
                    Thread.sleep(3000);
                    long idle = service.residentBytes();
                    try (LoadGenerator load = new LoadGenerator(service.port(), 32, targets, 0.99, 0, null)) {
                        load.sweep(16);
                        load.closedLoop(form.name() + " warm-up", 32, warmup);
                        LoadGenerator.Result r = load.closedLoop(form.name(), 32, seconds);
                        f.throughput().add(r.throughput());
                        long loaded = service.residentBytes();
                        if (round == 1) {
                            results.put(form.name(),
                                    new Figures(f.readyMillis(), f.startedMillis(), idle, loaded, f.throughput(),
                                            f.imageBytes()));
                        }
                        say(String.format(Locale.ROOT,
                                "%s round %d: ready %.0f ms (Quarkus: %s), RSS idle %d MB, loaded %d MB, "
                                        + "%.0f req/s, errors %d, hit %.1f%%",
                                form.name(), round, ready, f.startedMillis()
                                        .get(f.startedMillis().size() - 1),
                                idle >> 20, loaded >> 20, r.throughput(), r.errors(), r.hitRate()));
                    }
                }
            }
        }
        String report = report(results, rounds, seconds);
        Files.writeString(dir.resolve("deployment.md"), report);
        System.out.println(report);
    }

    private static String report(Map<String, Figures> results, int rounds, double seconds) {
        StringBuilder md = new StringBuilder("# Deployed forms side by side\n\n");
        md.append(String.format(Locale.ROOT,
                "%d alternated rounds; cached scene reads, Zipf 0.99, 32 connections, %.0f s per round "
                        + "after a warm-up; medians. RSS: VmRSS of the service process.%n%n",
                rounds, seconds));
        md.append("| form | ready after start, ms | Quarkus \"started in\", ms | RSS idle, MB | RSS after load, MB | req/s | "
                + "ratio to the JVM jar | image, MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        double jar = results.containsKey("JVM jar") ? median(results.get("JVM jar").throughput()) : Double.NaN;
        results.forEach((name,
                f) -> md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %d | %.0f | %.2f | %s |%n", name,
                        median(f.readyMillis()), median(f.startedMillis()), f.idleRss() >> 20, f.loadedRss() >> 20,
                        median(f.throughput()), median(f.throughput()) / jar,
                        f.imageBytes() > 0 ? Long.toString(f.imageBytes() >> 20) : "–")));
        return md.toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    private static long imageBytes(String image) throws Exception {
        Process p = new ProcessBuilder("podman", "image", "inspect", "--format", "{{.Size}}", image).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.waitFor() == 0 && out.matches("[0-9]+") ? Long.parseLong(out) : 0;
    }

    private static List<LoadGenerator.Target> seed(int port, int projects, int perProject) throws Exception {
        List<LoadGenerator.Target> targets = new ArrayList<>();
        Pattern id = Pattern.compile("\"id\":\"([^\"]+)\"");
        for (int p = 0; p < projects; p++) {
            String project = extract(id, post(port, "/projects", "{\"name\":\"Deploy " + p + "\",\"type\":\"marketing\"}"));
            for (int s = 0; s < perProject; s++) {
                String body = "{\"name\":\"Scene " + s + "\",\"type\":\"chart\",\"tsxCode\":"
                        + "\"export default function S() { return <div style={{color: 'red'}}>Scene " + s + "</div>; }\","
                        + "\"props\":{\"title\":\"T " + s + "\"}}";
                targets.add(
                        new LoadGenerator.Target(project, extract(id, post(port, "/projects/" + project + "/scenes", body))));
            }
        }
        return targets;
    }

    private static String post(int port, String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String extract(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + body);
        }
        return m.group(1);
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}
