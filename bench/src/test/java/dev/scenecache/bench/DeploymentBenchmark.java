package dev.scenecache.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.scenecache.testing.LoadGenerator;
import dev.scenecache.testing.ServiceProcess;

/**
 * {@code ./mvnw -f bench/pom.xml -Pbench-deploy}: the deployed forms of the service side by side, on the same real
 * PostgreSQL and Redis and the same data: the JVM jar, the native executable, and their container images
 * (each form only when it was built: {@code target/*-runner}, podman images
 * {@code localhost/scenecache-jvm|native:<version>}). Per form: time from the process' start to the first
 * ready answer (and Quarkus' own "started in"), resident memory idle and after a Zipf read load,
 * saturation throughput of cached scene reads in alternated rounds (ratios to the JVM jar between
 * medians), and the image's size. Report in {@code bench/target/bench/deployment.md}.
 *
 * <p>
 * Settings (system properties): {@code bench.seconds} (load per round, 20), {@code bench.rounds} (3),
 * {@code bench.warmup} (30), {@code bench.forms} (jar,native,image-jvm,image-native), {@code bench.natives} (other
 * builds of the executable to alternate with them: {@code name=path,...}), {@code bench.jars} (the jar with other JVM
 * options: {@code name=options;...}), {@code bench.images} (other container images, e.g. one with a compressed
 * executable: {@code name=localhost/image:tag,...}).
 */
public final class DeploymentBenchmark {

    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

    record Form(String name, String artifact, long imageBytes) {
    }

    /** What the rounds measured of one form (one value per round). */
    record Figures(List<Double> readyMillis, List<Double> startedMillis, List<Double> idleRss, List<Double> loadedRss,
            List<Double> throughput, List<Double> p99) {
        Figures() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
        }
    }

    public static void main(String[] args) throws Exception {
        Path serviceTarget = Path.of(args[0]).toAbsolutePath();
        String version = args[1];
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "20"));
        double warmup = Double.parseDouble(System.getProperty("bench.warmup", "30"));
        int rounds = Integer.getInteger("bench.rounds", 3);
        Set<String> wanted = Set.of(System.getProperty("bench.forms", "jar,native,image-jvm,image-native").split(","));
        List<Form> forms = new ArrayList<>();
        if (wanted.contains("jar")) {
            forms.add(new Form("JVM jar", "jar", 0));
        }
        if (wanted.contains("native")) {
            try {
                ServiceProcess.runner(serviceTarget);
                forms.add(new Form("native", "native", 0));
            } catch (IllegalStateException e) {
                say("no native executable: " + e.getMessage());
            }
        }
        // -Dbench.jars=c1=-XX:TieredStopAtLevel=1;serial=-XX:+UseSerialGC: the jar with other JVM options
        for (String extra : System.getProperty("bench.jars", "").split(";")) {
            if (extra.contains("=")) {
                String[] nameAndOptions = extra.split("=", 2);
                forms.add(new Form("JVM jar " + nameAndOptions[0], "jar:" + nameAndOptions[1], 0));
            }
        }
        // -Dbench.natives=O3=/tmp/runner-O3,...: other builds of the executable, alternated with the rest
        for (String extra : System.getProperty("bench.natives", "").split(",")) {
            if (extra.contains("=")) {
                String[] nameAndPath = extra.split("=", 2);
                forms.add(new Form("native " + nameAndPath[0], "native:" + nameAndPath[1], 0));
            }
        }
        // -Dbench.images=upx=localhost/scenecache-native-upx:1.0.0-SNAPSHOT,...: other container images
        for (String extra : System.getProperty("bench.images", "").split(",")) {
            if (extra.contains("=")) {
                String[] nameAndImage = extra.split("=", 2);
                forms.add(new Form("container " + nameAndImage[0], "image:" + nameAndImage[1], imageBytes(nameAndImage[1])));
            }
        }
        for (String kind : List.of("jvm", "native")) {
            String image = "localhost/scenecache-" + kind + ":" + version;
            long bytes = wanted.contains("image-" + kind) ? imageBytes(image) : 0;
            if (bytes > 0) {
                forms.add(new Form("container " + kind, "image:" + image, bytes));
            }
        }
        Path dir = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(dir);

        // The data: 20 projects of 50 scenes (the read benchmark's scenes), written once through the jar.
        List<LoadGenerator.Target> targets;
        try (ServiceProcess seeder = ServiceProcess.start("deploy-seed", Map.of(), "jar", serviceTarget)) {
            targets = SceneReadBenchmark.seed(seeder.port(), 20, 50);
        }
        say(targets.size() + " scenes");

        Map<Form, Figures> results = new LinkedHashMap<>();
        forms.forEach(form -> results.put(form, new Figures()));
        for (int round = 1; round <= rounds; round++) {
            for (Form form : forms) {
                Figures f = results.get(form);
                long start = System.nanoTime();
                try (ServiceProcess service = ServiceProcess.start("deploy-" + form.artifact().replaceAll("[^a-z]+", "-"),
                        Map.of(), form.artifact(), serviceTarget)) {
                    double ready = (System.nanoTime() - start) / 1e6;
                    Matcher started = STARTED.matcher(service.log());
                    double quarkus = started.find() ? Double.parseDouble(started.group(1)) * 1000 : Double.NaN;
                    Thread.sleep(3000);
                    long idle = service.residentBytes();
                    try (LoadGenerator load = new LoadGenerator(service.port(), 32, targets, 0.99, 0, null)) {
                        load.sweep(16);
                        load.closedLoop(form.name() + " warm-up", 32, warmup);
                        LoadGenerator.Result r = load.closedLoop(form.name(), 32, seconds);
                        long loaded = service.residentBytes();
                        f.readyMillis().add(ready);
                        f.startedMillis().add(quarkus);
                        f.idleRss().add((double) (idle >> 20));
                        f.loadedRss().add((double) (loaded >> 20));
                        f.throughput().add(r.throughput());
                        f.p99().add(r.millis(99));
                        say(String.format(Locale.ROOT, "%s round %d: ready %.0f ms (Quarkus: %.0f ms), RSS idle %d MB, "
                                + "loaded %d MB, %.0f req/s, p99 %.2f ms, errors %d, hit %.1f%%", form.name(), round, ready,
                                quarkus, idle >> 20, loaded >> 20, r.throughput(), r.millis(99), r.errors(), r.hitRate()));
                    }
                }
            }
        }
        String report = report(results, rounds, seconds);
        Files.writeString(dir.resolve("deployment.md"), report);
        System.out.println(report);
    }

    private static String report(Map<Form, Figures> results, int rounds, double seconds) {
        StringBuilder md = new StringBuilder("# Deployed forms side by side\n\n");
        md.append(String.format(Locale.ROOT,
                "%d alternated rounds; cached scene reads, Zipf 0.99, 32 connections, %.0f s per round "
                        + "after a warm-up; medians. RSS: VmRSS of the service process; p99: of the measured reads.%n%n",
                rounds, seconds));
        md.append("| form | ready after start, ms | Quarkus \"started in\", ms | RSS idle, MB | RSS after load, MB | req/s | "
                + "ratio to the JVM jar | p99, ms | p99 ratio to the JVM jar | RSS after load, ratio | image, MB |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Figures jar = results.entrySet().stream().filter(e -> e.getKey().artifact().equals("jar")).map(Map.Entry::getValue)
                .findFirst().orElse(new Figures());
        results.forEach((form, f) -> md.append(String.format(Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %s |%n", form.name(),
                median(f.readyMillis()), median(f.startedMillis()), median(f.idleRss()), median(f.loadedRss()),
                median(f.throughput()), median(f.throughput()) / median(jar.throughput()), median(f.p99()),
                median(f.p99()) / median(jar.p99()), median(f.loadedRss()) / median(jar.loadedRss()),
                form.imageBytes() > 0 ? Long.toString(form.imageBytes() >> 20) : "–")));
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

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}
