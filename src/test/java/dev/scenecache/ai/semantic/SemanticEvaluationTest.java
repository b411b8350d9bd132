package dev.scenecache.ai.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scenecache.ai.ProjectContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The semantic cache measured on labelled pairs ({@code src/test/resources/semantic/pairs.tsv}, written for
 * it): for each threshold, how many "different" pairs would be served for each other (wrong matches) and
 * how many "same" pairs would (recall), with the guards and with the score alone. The shipped threshold
 * must make 0 wrong matches with a recall worth having, and the guards must be what makes that possible:
 * the score alone, at the shipped threshold, matches wrongly. The curve is written to
 * {@code target/semantic-evaluation.md}.
 */
class SemanticEvaluationTest {

    /** The project the pairs are written for. */
    static final ProjectContext CONTEXT = new ProjectContext("marketing", List.of(
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("welcome".getBytes()), "Welcome", "intro", 0),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("chart".getBytes()), "Revenue chart", "chart", 1),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("photo".getBytes()), "Team photo", "image", 2),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("pricing".getBytes()), "Pricing", "pricing", 3),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("goodbye".getBytes()), "Goodbye", "outro", 4)));

    record Pair(boolean same, String kind, String a, String b, double score, String guard) {
    }

    static final double SHIPPED = 0.80;
    private static Embedder embedder;
    private static List<Pair> pairs;

    @BeforeAll
    static void score() throws IOException {
        embedder = new Embedder(1, 8, Duration.ofSeconds(60), new SimpleMeterRegistry());
        pairs = scored("/semantic/pairs.tsv");
    }

    static List<Pair> scored(String resource) throws IOException {
        List<Pair> pairs = new ArrayList<>();
        for (String[] row : rows(resource)) {
            float[] x = embedder.embedNow(row[3]);
            float[] y = embedder.embedNow(row[4]);
            double dot = 0;
            for (int i = 0; i < x.length; i++) {
                dot += x[i] * y[i];
            }
            String guard = PromptGuards.of(row[3], CONTEXT).differenceFrom(PromptGuards.of(row[4], CONTEXT));
            pairs.add(new Pair(row[0].equals("same"), row[1], row[3], row[4], dot, guard));
        }
        return pairs;
    }

    static List<String[]> rows(String resource) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = SemanticEvaluationTest.class.getResourceAsStream(resource)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#") || line.startsWith("label\t")) {
                    continue;
                }
                rows.add(line.split("\t"));
            }
        }
        return rows;
    }

    @Test
    void shouldMakeNoWrongMatchAtTheShippedThresholdBecauseOfTheGuards() throws IOException {
        long same = pairs.stream().filter(Pair::same).count();
        long different = pairs.size() - same;
        assertThat(pairs).as("labelled pairs").hasSizeGreaterThanOrEqualTo(400);
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "# Semantic decision cache: evaluation%n%n%d labelled pairs (%d same, %d different), "
                        + "all-MiniLM-L6-v2 (quantized) cosine similarity; `./mvnw test -Dtest=SemanticEvaluationTest`.%n%n"
                        + "| threshold | guards + score: wrong matches | recall | score alone: wrong matches | recall |%n|---|---|---|---|---|%n",
                pairs.size(), same, different));
        for (double t = 0.50; t <= 0.951; t += 0.05) {
            double threshold = t;
            long wrongGuarded = pairs.stream().filter(p -> !p.same() && p.guard() == null && p.score() >= threshold).count();
            long rightGuarded = pairs.stream().filter(p -> p.same() && p.guard() == null && p.score() >= threshold).count();
            long wrongAlone = pairs.stream().filter(p -> !p.same() && p.score() >= threshold).count();
            long rightAlone = pairs.stream().filter(p -> p.same() && p.score() >= threshold).count();
            report.append(String.format(Locale.ROOT, "| %.2f%s | %d | %.1f%% | %d | %.1f%% |%n", threshold,
                    Math.abs(threshold - SHIPPED) < 1e-9 ? " (shipped)" : "", wrongGuarded, 100.0 * rightGuarded / same,
                    wrongAlone, 100.0 * rightAlone / same));
        }
        Map<String, long[]> byKind = new TreeMap<>();
        for (Pair p : pairs) {
            long[] c = byKind.computeIfAbsent(p.kind(), k -> new long[4]);
            c[0]++;
            c[1] += p.score() >= SHIPPED ? 1 : 0;
            c[2] += p.guard() == null ? 1 : 0;
            c[3] += p.guard() == null && p.score() >= SHIPPED ? 1 : 0;
        }
        report.append(String.format(Locale.ROOT,
                "%nAt the shipped threshold (%.2f), by kind:%n%n| kind | pairs | score ≥ threshold | guards pass | served |%n|---|---|---|---|---|%n",
                SHIPPED));
        byKind.forEach((kind, c) -> report.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", kind, c[0], c[1],
                c[2], c[3])));
        List<Pair> wrong = pairs.stream().filter(p -> !p.same() && p.guard() == null && p.score() >= SHIPPED).toList();
        List<Pair> missed = pairs.stream().filter(p -> p.same() && (p.guard() != null || p.score() < SHIPPED)).toList();
        report.append("\nWrong matches at the shipped threshold:\n\n");
        wrong.forEach(p -> report.append(String.format(Locale.ROOT, "- %.3f `%s` / `%s`%n", p.score(), p.a(), p.b())));
        report.append("\nParaphrases not matched at the shipped threshold (why):\n\n");
        missed.forEach(p -> report.append(String.format(Locale.ROOT, "- %s %.3f `%s` / `%s`%n",
                p.guard() != null ? "guard " + p.guard() : "score", p.score(), p.a(), p.b())));
        Path out = Path.of("target", "semantic-evaluation.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);

        long wrongAlone = pairs.stream().filter(p -> !p.same() && p.score() >= SHIPPED).count();
        long served = pairs.stream().filter(p -> p.same() && p.guard() == null && p.score() >= SHIPPED).count();
        assertThat(wrong).as("wrong matches at the shipped threshold").isEmpty();
        assertThat(wrongAlone).as("wrong matches the score alone would make at the shipped threshold").isGreaterThan(10);
        assertThat(100.0 * served / same).as("recall at the shipped threshold (%)").isGreaterThanOrEqualTo(50.0);
    }

    /**
     * Pairs written after the guards were tuned on {@code pairs.tsv}, and never used to change them: what
     * the shipped configuration does on prompts it was not fitted to.
     */
    @Test
    void shouldMakeNoWrongMatchOnTheHeldOutPairs() throws IOException {
        List<Pair> heldOut = scored("/semantic/holdout.tsv");
        long same = heldOut.stream().filter(Pair::same).count();
        List<Pair> wrong = heldOut.stream().filter(p -> !p.same() && p.guard() == null && p.score() >= SHIPPED).toList();
        long wrongAlone = heldOut.stream().filter(p -> !p.same() && p.score() >= SHIPPED).count();
        long served = heldOut.stream().filter(p -> p.same() && p.guard() == null && p.score() >= SHIPPED).count();
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "%n## Held-out pairs%n%n%d pairs (%d same, %d different) at the shipped threshold (%.2f): "
                        + "%d wrong matches with the guards (%d with the score alone), recall %.1f%%.%n",
                heldOut.size(), same, heldOut.size() - same, SHIPPED, wrong.size(), wrongAlone, 100.0 * served / same));
        wrong.forEach(p -> report.append(String.format(Locale.ROOT, "- wrong: %.3f `%s` / `%s`%n", p.score(), p.a(), p.b())));
        Path out = Path.of("target", "semantic-evaluation-holdout.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
        assertThat(heldOut).hasSizeGreaterThanOrEqualTo(100);
        assertThat(wrong).as("wrong matches on the held-out pairs").isEmpty();
    }
}
