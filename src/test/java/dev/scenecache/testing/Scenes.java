package dev.scenecache.testing;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scenes of one project, written and read through instances of the service with a history check: every
 * scene's last acknowledged version is remembered, and a read is stale when it shows an older one (it was
 * sent after that write was acknowledged). For the tests in which Redis forgets or rolls back.
 */
public final class Scenes {

    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    private final String project;
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Long> acknowledged = new HashMap<>();

    /** What a round of reads saw. */
    public record Reads(int reads, int stale, int failed, int hits, List<String> staleSamples) {
    }

    private Scenes(String project) {
        this.project = project;
    }

    /** A new project with {@code count} scenes, created through {@code port}. */
    public static Scenes create(int port, String name, int count) throws Exception {
        Scenes scenes = new Scenes(Http.id(Http.send(port, "POST", "/projects",
                "{\"name\": \"" + name + "\", \"type\": \"marketing\"}", 201)));
        for (int i = 0; i < count; i++) {
            HttpResponse<String> created = Http.send(port, "POST", "/projects/" + scenes.project + "/scenes",
                    "{\"name\": \"S" + i + "\", \"type\": \"intro\", \"tsxCode\": \"export default () => null;\"}", 201);
            String id = Http.id(created);
            scenes.ids.add(id);
            scenes.acknowledged.put(id, version(created));
        }
        return scenes;
    }

    public int size() {
        return ids.size();
    }

    /** The Redis key of scene {@code i}'s cache entry. */
    public String redisKey(int i) {
        return "sc:{p:" + project + "}:scene:" + ids.get(i);
    }

    private String path(String id) {
        return "/projects/" + project + "/scenes/" + id;
    }

    /** Renames every scene through {@code port}; each answered version is acknowledged from then on. */
    public void writeAll(int port, String name) throws Exception {
        for (String id : ids) {
            HttpResponse<String> written = Http.send(port, "PATCH", path(id), "{\"name\": \"" + name + "\"}", 200);
            acknowledged.merge(id, version(written), Math::max);
        }
    }

    /** Reads every scene {@code times} times on each port; counts stale and failed reads and cache hits. */
    public Reads readAll(List<Integer> ports, int times) {
        int reads = 0;
        int stale = 0;
        int failed = 0;
        int hits = 0;
        List<String> samples = new ArrayList<>();
        for (int t = 0; t < times; t++) {
            for (int port : ports) {
                for (String id : ids) {
                    reads++;
                    long expected = acknowledged.get(id);
                    try {
                        HttpResponse<String> read = Http.send(port, "GET", path(id), null, 200);
                        String cache = read.headers().firstValue("X-Cache").orElse("")
                                + read.headers().firstValue("X-Cache-Tier").map(tier -> "/" + tier).orElse("");
                        if (cache.startsWith("HIT")) {
                            hits++;
                        }
                        if (version(read) < expected) {
                            stale++;
                            if (samples.size() < 5) {
                                samples.add(":" + port + " " + id + " v" + version(read) + " < v" + expected + " " + cache);
                            }
                        }
                    } catch (Exception | AssertionError e) {
                        failed++;
                    }
                }
            }
        }
        return new Reads(reads, stale, failed, hits, samples);
    }

    /**
     * Reads every scene on each port until each port has answered {@code hits} reads from its cache, or
     * {@code atMost} passed; answers the reads (history-checked) and how long until every port hit.
     */
    public Reads readUntilCached(List<Integer> ports, int hitsEach, Duration atMost, long[] millisToCaching) {
        long start = System.nanoTime();
        long deadline = start + atMost.toNanos();
        Map<Integer, Integer> hits = new HashMap<>();
        int reads = 0;
        int stale = 0;
        int failed = 0;
        List<String> samples = new ArrayList<>();
        while (System.nanoTime() < deadline && ports.stream().anyMatch(p -> hits.getOrDefault(p, 0) < hitsEach)) {
            for (int port : ports) {
                Reads round = readAll(List.of(port), 1);
                reads += round.reads();
                stale += round.stale();
                failed += round.failed();
                samples.addAll(round.staleSamples());
                hits.merge(port, round.hits(), Integer::sum);
            }
        }
        millisToCaching[0] = (System.nanoTime() - start) / 1_000_000;
        int total = hits.values().stream().mapToInt(Integer::intValue).sum();
        return new Reads(reads, stale, failed, total, samples.subList(0, Math.min(5, samples.size())));
    }

    private static long version(HttpResponse<String> response) {
        Matcher m = VERSION.matcher(response.body());
        if (!m.find()) {
            throw new AssertionError("no version in " + response.body());
        }
        return Long.parseLong(m.group(1));
    }
}
