package dev.scenecache.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import dev.scenecache.ai.BrainAnswer;
import dev.scenecache.ai.DecisionKey;
import dev.scenecache.ai.HeuristicBrain;
import dev.scenecache.ai.ProjectContext;
import dev.scenecache.testing.AiStub;
import dev.scenecache.testing.PostgresServer;
import dev.scenecache.testing.RedisTestServer;
import dev.scenecache.testing.ServiceProcess;

/**
 * The decision benchmark (issues 4 and 20): {@code ./mvnw -f bench/pom.xml -Pbench-decisions}.
 *
 * <p>
 * A prompt trace (2,000+ decision requests over 50 projects, seeded, so every replay sees the same
 * one) in which users repeat themselves like editor users do: retries, double submits (two requests
 * at once), the same prompt with other casing and spacing, or in other words (a paraphrase
 * normalisation does not make equal), the same request later on an unchanged project, interleaved with
 * scene edits (code edits the brain does not see; renames, additions and deletions it does). It is
 * replayed three times against the packaged service and a WireMock provider that answers in 300–800 ms:
 * with {@code CACHE_ENABLED=false}, with the exact cache, and with the semantic cache too. The provider's
 * "model" decides by labelled meaning: the heuristic brain, run on the context in the request and the
 * first phrasing of the prompt's meaning, so its answers depend on meaning and context like a real
 * model's, and the cache-less replay is the reference: a served decision whose operation or target scene
 * (by name) differs from it is a wrong decision; a cached one made for another meaning (the label the
 * stub writes in its reasoning) is one too.
 */
public final class DecisionBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Double submits: their second request runs here (the common pool has one thread on 2 cores). */
    private static final ExecutorService SECOND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "double-submit");
        t.setDaemon(true);
        return t;
    });

    /** One step of one project's trace. */
    record Step(String kind, String prompt, int scene, String text, boolean twice) {
    }

    /** What a replay saw for one decision request. */
    record Seen(int status, String operation, String targetName, boolean cached, double millis, String tier,
            String reasoning) {
    }

    /** Every prompt of the trace (normalised) to the first phrasing of its meaning: what the stub decides on. */
    static final Map<String, String> CANONICAL = new java.util.concurrent.ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int projects = Integer.getInteger("bench.projects", 50);
        int requests = Integer.getInteger("bench.requests", 2000);
        Map<Integer, List<Step>> trace = trace(projects, requests, new Random(42));
        long decisionsInTrace = trace.values().stream().flatMap(List::stream).filter(s -> s.kind().equals("decide"))
                .mapToLong(s -> s.twice() ? 2 : 1).sum();
        say("trace: " + decisionsInTrace + " decision requests over " + projects + " projects");

        WireMockServer ai = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(150).extensions(new HeuristicModel()));
        ai.start();
        ai.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withUniformRandomDelay(300, 800)));
        Path dir = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(dir);
        StringBuilder report = new StringBuilder("# AI decisions\n\n");
        Map<String, List<Seen>> runs = new HashMap<>();
        Map<String, Integer> upstream = new HashMap<>();
        Map<String, Double> seconds = new HashMap<>();
        Map<String, Long> rss = new HashMap<>();
        String embedding = "";
        List<String> variants = List.of("cache-less", "cached", "semantic");
        try {
            for (String variant : variants) {
                SceneReadBenchmark.deleteTree(dir.resolve("pgdata-decisions"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pgdata-decisions"), dir.resolve("pg-bin"), 0,
                        Map.of("synchronous_commit", "off"));
                RedisTestServer redis = RedisTestServer.start(dir.resolve("redis-bin"), 0);
                Map<String, String> env = new HashMap<>(Map.of("PG_URL", pg.url(), "PG_USER", pg.user(),
                        "PG_PASSWORD", "bench", "REDIS_URL", redis.url(), "AI_PROVIDER", "openai",
                        "AI_BASE_URL", "http://127.0.0.1:" + ai.port() + "/v1", "AI_API_KEY", "bench-key",
                        "AI_MODEL", "bench-model", "CACHE_ENABLED", Boolean.toString(!variant.equals("cache-less"))));
                env.put("AI_SEMANTIC_CACHE", Boolean.toString(variant.equals("semantic")));
                // The trace measures what the cache saves, not the spend limits: no limit.
                env.put("AI_MAX_CALLS_PER_PROJECT_PER_MINUTE", "0");
                env.put("AI_MAX_CALLS_PER_MINUTE", "0");
                ai.resetRequests();
                Path log = dir.resolve("decisions-" + variant + ".log");
                try (ServiceProcess service = SceneReadBenchmark.startService(jar, env, log)) {
                    if (!variant.equals("cache-less")) {
                        awaitCacheOk(service); // measured once the subscription is made, as in production
                    }
                    if (variant.equals("semantic")) {
                        awaitWarmUp(log); // the service loads the model and WordNet at start: measured warm
                    }
                    long start = System.nanoTime();
                    runs.put(variant, replay(service, trace));
                    seconds.put(variant, (System.nanoTime() - start) / 1e9);
                    rss.put(variant, service.residentBytes());
                    if (variant.equals("semantic")) {
                        embedding = send(service, "GET", "/q/metrics", null).lines()
                                .filter(l -> l.startsWith("ai_semantic_embedding_seconds") || l.startsWith("ai_semantic_lookup_seconds")
                                        || l.startsWith("ai_semantic_misses_total")).reduce("", (a, b) -> a + b + "\n");
                    }
                } finally {
                    redis.stop();
                    pg.stop();
                }
                upstream.put(variant, ai.countRequestsMatching(postRequestedFor(urlEqualTo("/v1/chat/completions")).build())
                        .getCount());
                say(variant + ": " + upstream.get(variant) + " upstream calls in " + String.format(Locale.ROOT, "%.0f s",
                        seconds.get(variant)));
            }
        } finally {
            ai.stop();
        }

        List<Seen> reference = runs.get("cache-less");
        StringBuilder table = new StringBuilder("| | cache-less | exact only | exact + semantic |\n|---|---|---|---|\n");
        table.append(String.format(Locale.ROOT, "| upstream calls | %d | %d | %d |%n", upstream.get("cache-less"),
                upstream.get("cached"), upstream.get("semantic")));
        table.append(String.format(Locale.ROOT, "| upstream calls saved | | %.1f%% | %.1f%% |%n",
                100.0 * (upstream.get("cache-less") - upstream.get("cached")) / upstream.get("cache-less"),
                100.0 * (upstream.get("cache-less") - upstream.get("semantic")) / upstream.get("cache-less")));
        table.append(String.format(Locale.ROOT, "| replay time (s) | %.0f | %.0f | %.0f |%n", seconds.get("cache-less"),
                seconds.get("cached"), seconds.get("semantic")));
        table.append(String.format(Locale.ROOT, "| service RSS at the end (MB) | %.0f | %.0f | %.0f |%n",
                rss.get("cache-less") / 1e6, rss.get("cached") / 1e6, rss.get("semantic") / 1e6));
        StringBuilder rows = new StringBuilder();
        for (String variant : List.of("cached", "semantic")) {
            List<Seen> run = runs.get(variant);
            int wrong = 0;
            int wrongMeaning = 0;
            int errors = 0;
            List<Double> exactMs = new ArrayList<>();
            List<Double> semanticMs = new ArrayList<>();
            List<Double> missMs = new ArrayList<>();
            for (int i = 0; i < run.size(); i++) {
                Seen c = run.get(i);
                Seen r = reference.get(i);
                if (c.status() != 200) {
                    errors++;
                    continue;
                }
                if (!c.operation().equals(r.operation()) || !java.util.Objects.equals(c.targetName(), r.targetName())) {
                    wrong++;
                }
                if (c.cached() && !meaning(c.reasoning()).equals(meaning(r.reasoning()))) {
                    wrongMeaning++;
                }
                (!c.cached() ? missMs : "SEMANTIC".equals(c.tier()) ? semanticMs : exactMs).add(c.millis());
            }
            rows.append(String.format(Locale.ROOT,
                    "| %s | %d | %d | %d | %d (p50 %.1f ms, p99 %.1f ms) | %d (p50 %.1f ms, p99 %.1f ms) | %d (p50 %.0f ms) |%n",
                    variant.equals("cached") ? "exact only" : "exact + semantic", wrong, wrongMeaning, errors, exactMs.size(),
                    percentile(exactMs, 50), percentile(exactMs, 99), semanticMs.size(), percentile(semanticMs, 50),
                    percentile(semanticMs, 99), missMs.size(), percentile(missMs, 50)));
        }
        report.append(String.format(Locale.ROOT,
                """
                        Trace: %d decision requests over %d projects (seed 42), users repeating themselves in other
                        words too (paraphrases that normalisation does not make equal), provider latency uniform
                        300–800 ms; replayed three times against the packaged service (real PostgreSQL and Redis):
                        without the cache, with the exact cache, with the exact and the semantic cache
                        (`AI_SEMANTIC_CACHE=true`, threshold %s). The stub provider decides by labelled meaning: the
                        heuristic brain on the first phrasing of the prompt's meaning, so every paraphrase of one
                        request gets the same decision from it, and the cache-less replay is the reference.

                        %s
                        | | wrong decisions (operation or target differs from the reference) | served for another meaning | errors | exact hits | semantic hits | misses |
                        |---|---|---|---|---|---|---|
                        %s
                        The semantic lookup of each exact miss (`ai_semantic_lookup_seconds`: embedding, index, guards, differences), its embedding (`ai_semantic_embedding_seconds`, model load excluded) and why lookups served nothing (`ai_semantic_misses_total`):

                        ```
                        %s```
                        """,
                reference.size(), projects, System.getProperty("bench.semantic-threshold", "0.80 (default)"), table, rows,
                embedding));
        Files.writeString(dir.resolve("decisions.md"), report);
        say(report.toString());
    }

    /** The meaning label the stub put in a decision's reasoning. */
    private static String meaning(String reasoning) {
        int at = reasoning == null ? -1 : reasoning.lastIndexOf(" [meaning: ");
        return at < 0 ? "" : reasoning.substring(at);
    }

    /** Each project's steps in order, the projects at once; the results in trace order. */
    private static List<Seen> replay(ServiceProcess service, Map<Integer, List<Step>> trace) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(trace.size());
        Map<Integer, CompletableFuture<List<Seen>>> byProject = new HashMap<>();
        for (Map.Entry<Integer, List<Step>> e : trace.entrySet()) {
            byProject.put(e.getKey(), CompletableFuture.supplyAsync(() -> {
                try {
                    return replayProject(service, e.getValue());
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }, pool));
        }
        List<Seen> all = new ArrayList<>();
        for (int p = 0; p < trace.size(); p++) {
            all.addAll(byProject.get(p).get());
        }
        pool.shutdown();
        return all;
    }

    private static List<Seen> replayProject(ServiceProcess service, List<Step> steps) throws Exception {
        String project = JSON.readTree(send(service, "POST", "/projects", "{\"name\": \"p\", \"type\": \"marketing\"}"))
                .path("id").asText();
        List<String> scenes = new ArrayList<>();
        List<Seen> seen = new ArrayList<>();
        for (Step step : steps) {
            switch (step.kind()) {
                case "scene" -> scenes.add(JSON.readTree(send(service, "POST", "/projects/" + project + "/scenes",
                        JSON.writeValueAsString(Map.of("name", step.text(), "type", "intro", "tsxCode",
                                SceneReadBenchmark.sceneCode()))))
                        .path("id").asText());
                case "code" -> send(service, "PATCH", sceneUri(project, scenes, step.scene()),
                        JSON.writeValueAsString(Map.of("tsxCode", SceneReadBenchmark.sceneCode() + "// " + step.text())));
                case "rename" -> send(service, "PATCH", sceneUri(project, scenes, step.scene()),
                        JSON.writeValueAsString(Map.of("name", step.text())));
                case "delete" -> {
                    if (!scenes.isEmpty()) {
                        send(service, "DELETE", sceneUri(project, scenes, step.scene()), null);
                        scenes.remove(Math.floorMod(step.scene(), scenes.size()));
                    }
                }
                default -> {
                    String body = JSON.writeValueAsString(Map.of("prompt", step.prompt()));
                    if (step.twice()) {
                        CompletableFuture<Seen> b = CompletableFuture.supplyAsync(() -> decide(service, project, body), SECOND);
                        seen.add(decide(service, project, body));
                        seen.add(b.get());
                    } else {
                        seen.add(decide(service, project, body));
                    }
                }
            }
        }
        return seen;
    }

    private static Seen decide(ServiceProcess service, String project, String body) {
        try {
            long start = System.nanoTime();
            HttpResponse<String> r = HTTP.send(request(service, "POST", "/projects/" + project + "/decisions", body),
                    HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - start) / 1e6;
            if (r.statusCode() != 200) {
                return new Seen(r.statusCode(), null, null, false, ms, null, null);
            }
            JsonNode d = JSON.readTree(r.body());
            String target = d.path("targetSceneId").isNull() ? null : d.path("targetSceneId").asText();
            String name = null;
            if (target != null) {
                name = JSON.readTree(send(service, "GET", "/projects/" + project + "/scenes/" + target, null))
                        .path("name").asText();
            }
            return new Seen(200, d.path("operation").asText(), name, d.path("cached").asBoolean(), ms,
                    r.headers().firstValue("X-Cache-Tier").orElse(""), d.path("reasoning").asText());
        } catch (Exception e) {
            return new Seen(-1, null, null, false, 0, null, null);
        }
    }

    private static String sceneUri(String project, List<String> scenes, int index) {
        return "/projects/" + project + "/scenes/" + scenes.get(Math.floorMod(index, scenes.size()));
    }

    /** Waits (at most two minutes) until the service's readiness says its cache is ok. */
    private static void awaitCacheOk(ServiceProcess service) {
        org.awaitility.Awaitility.await("the cache ok").atMost(java.time.Duration.ofMinutes(2))
                .pollInterval(java.time.Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> HTTP.send(request(service, "GET", "/q/health/ready", null), HttpResponse.BodyHandlers.ofString())
                        .body().replace(" ", "").contains("\"cache\":\"ok\""));
    }

    /**
     * Waits (at most 30 s) until the service's log says the semantic tier's model and WordNet are loaded; a service
     * that loads them on first use only (before 2026-12-07) is then measured cold, and the report says so.
     */
    private static void awaitWarmUp(Path log) {
        try {
            org.awaitility.Awaitility.await("the semantic tier warm").atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> java.nio.file.Files.readString(log).contains("Semantic cache: embedding model"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            say("the service did not load its model at start: the semantic replay is measured cold");
        }
    }

    private static HttpRequest request(ServiceProcess service, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(service.uri(path)).header("Content-Type", "application/json");
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String send(ServiceProcess service, String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(request(service, method, path, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** The seeded trace: per project, its scenes first, then prompts, repeats and edits. */
    static Map<Integer, List<Step>> trace(int projects, int requests, Random random) {
        String[] names = { "Title", "Revenue chart", "Team photo", "Pricing", "Testimonial", "Outro", "Logo reveal",
                "Roadmap" };
        // Each request and the other words users ask it in: the first phrasing is the original trace's.
        String[][] templates = {
                { "add a title scene", "create a title scene", "please add a new title scene" },
                { "add a new scene with our logo", "create a scene showing our logo", "insert a new scene with the logo" },
                { "make scene %d blue", "turn scene %d blue", "please make scene %d blue", "change scene %d to blue" },
                { "make the %s darker", "darken the %s", "the %s should be darker" },
                { "delete scene %d", "remove scene %d", "get rid of scene %d" },
                { "remove the %s", "delete the %s", "get rid of the %s" },
                { "move scene %d to the end", "put scene %d at the end", "move scene %d to the very end" },
                { "change the font of scene %d", "use a different font in scene %d", "update the font of scene %d" },
                { "speed up the %s", "make the %s faster", "make the %s a bit faster" },
                { "update the %s with the new numbers", "refresh the %s with the new numbers",
                        "put the new numbers in the %s" },
                { "reorder the scenes", "rearrange the scenes", "can you reorder the scenes" },
                { "what can you do", "what are you able to do", "what can you do for me" },
                { "make it pop", "make it pop more", "make this pop" },
                { "turn the last scene red", "make the last scene red", "the last scene should be red" },
                { "rename the %s to Thanks", "rename %s to Thanks", "rename the %s as Thanks" },
                { "create a scene showing the roadmap", "add a scene showing the roadmap", "add a roadmap scene" } };
        Map<Integer, List<Step>> trace = new HashMap<>();
        Map<Integer, List<String[]>> history = new HashMap<>();
        for (int p = 0; p < projects; p++) {
            List<Step> steps = new ArrayList<>();
            int count = 3 + random.nextInt(4);
            for (int s = 0; s < count; s++) {
                steps.add(new Step("scene", null, s, names[(p + s) % names.length], false));
            }
            trace.put(p, steps);
            history.put(p, new ArrayList<>());
        }
        int decisions = 0;
        while (decisions < requests) {
            int p = random.nextInt(projects);
            List<Step> steps = trace.get(p);
            List<String[]> past = history.get(p);
            double roll = random.nextDouble();
            if (roll < 0.18) {
                // Scene edits: mostly code (unseen by the brain), sometimes a rename, an addition, a deletion.
                double edit = random.nextDouble();
                int scene = random.nextInt(8);
                if (edit < 0.7) {
                    steps.add(new Step("code", null, scene, UUID.randomUUID().toString(), false));
                } else if (edit < 0.8) {
                    steps.add(new Step("rename", null, scene, names[random.nextInt(names.length)] + " " + random.nextInt(3),
                            false));
                } else if (edit < 0.9) {
                    steps.add(new Step("scene", null, 0, names[random.nextInt(names.length)] + " " + random.nextInt(9), false));
                } else {
                    steps.add(new Step("delete", null, scene, null, false));
                }
                continue;
            }
            String prompt;
            boolean twice = false;
            if (past.isEmpty() || roll < 0.48) {
                String[] group = templates[random.nextInt(templates.length)];
                String argument = group[0].contains("%d") ? Integer.toString(1 + random.nextInt(5))
                        : group[0].contains("%s") ? names[random.nextInt(names.length)].toLowerCase(Locale.ROOT) : "";
                String[] phrasings = new String[group.length];
                for (int i = 0; i < group.length; i++) {
                    phrasings[i] = group[i].replace("%d", argument).replace("%s", argument);
                    CANONICAL.put(DecisionKey.normalise(phrasings[i]), phrasings[0]);
                }
                prompt = phrasings[0];
                past.add(phrasings);
            } else if (roll < 0.70) {
                // A retry or a double submit of the last prompt, often spelled differently, sometimes in other words.
                prompt = respell(reword(past.get(past.size() - 1), random), random);
                twice = random.nextBoolean();
            } else {
                // The same request again later, maybe in other words.
                prompt = respell(reword(past.get(random.nextInt(past.size())), random), random);
            }
            steps.add(new Step("decide", prompt, 0, null, twice));
            decisions += twice ? 2 : 1;
        }
        return trace;
    }

    /** The first phrasing of a request, or (one time in three) another. */
    private static String reword(String[] phrasings, Random random) {
        return random.nextInt(3) == 0 ? phrasings[1 + random.nextInt(phrasings.length - 1)] : phrasings[0];
    }

    private static String respell(String prompt, Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> prompt;
            case 1 -> prompt.toUpperCase(Locale.ROOT);
            case 2 -> "  " + prompt.replace(" ", "   ") + " ";
            default -> Character.toUpperCase(prompt.charAt(0)) + prompt.substring(1) + ".";
        };
    }

    private static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }

    /**
     * The stub provider's "model": reads the context and the request back from the Chat Completions
     * request and answers with the heuristic brain's decision as a tool call.
     */
    static final class HeuristicModel implements ResponseDefinitionTransformerV2 {
        private static final Pattern SCENE = Pattern.compile(
                "^\\d+\\. id=([0-9a-f-]{36}) name=\"(.*)\" type=(\\S+) order=(\\d+)$", Pattern.MULTILINE);
        private final HeuristicBrain brain = new HeuristicBrain();

        @Override
        public String getName() {
            return "heuristic-model";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            try {
                JsonNode request = JSON.readTree(event.getRequest().getBodyAsString());
                String content = request.path("messages").path(1).path("content").asText();
                int at = content.lastIndexOf("\nRequest: ");
                String prompt = content.substring(at + "\nRequest: ".length());
                List<ProjectContext.SceneRef> scenes = new ArrayList<>();
                Matcher m = SCENE.matcher(content.substring(0, at));
                while (m.find()) {
                    scenes.add(new ProjectContext.SceneRef(UUID.fromString(m.group(1)), m.group(2), m.group(3),
                            Integer.parseInt(m.group(4))));
                }
                // Decided by labelled meaning: every phrasing of a request as its first one.
                String canonical = CANONICAL.getOrDefault(DecisionKey.normalise(prompt), prompt);
                BrainAnswer answer = brain.decideNow(canonical, new ProjectContext("marketing", scenes));
                Map<String, Object> arguments = new HashMap<>();
                arguments.put("targetSceneId", answer.targetSceneId() == null ? null : answer.targetSceneId().toString());
                arguments.put("reasoning", answer.reasoning() + " [meaning: " + canonical + "]");
                return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(AiStub.completion(answer.operation().name(), JSON.writeValueAsString(arguments)))
                        .build();
            } catch (Exception e) {
                return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withStatus(500)
                        .withBody(e.toString()).build();
            }
        }
    }
}
