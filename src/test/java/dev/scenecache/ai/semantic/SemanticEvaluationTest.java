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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.scenecache.ai.ProjectContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The semantic cache measured on prompt pairs: for each threshold, how many pairs that must not share a decision
 * would be served for each other (wrong matches) and how many that mean the same would (recall), with every guard
 * and with the score alone. Three sets:
 * <ul>
 * <li>{@code semantic/pairs.tsv}, written for it: the thresholds and word lists were tuned on it;</li>
 * <li>{@code semantic/holdout.tsv}, written after, never used to change anything (held out);</li>
 * <li>near-misses generated from the paraphrases of each set by the lexicon ({@link NearMisses}: antonyms,
 * siblings, quantities, an extra object, a word taken out), every one of which must be refused; those from the
 * held-out paraphrases are held out too.</li>
 * </ul>
 * The shipped threshold must make 0 wrong matches on every set with a recall of at least 50% on the tuning set. A
 * false-match rate of 0 of N is reported with its exact one-sided 95% upper bound (about 3/N). The report is
 * written to {@code target/semantic-evaluation.md}.
 */
class SemanticEvaluationTest {

    /** The project the pairs are written for. */
    static final ProjectContext CONTEXT = new ProjectContext("marketing", List.of(
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("welcome".getBytes()), "Welcome", "intro", 0),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("chart".getBytes()), "Revenue chart", "chart", 1),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("photo".getBytes()), "Team photo", "image", 2),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("pricing".getBytes()), "Pricing", "pricing", 3),
            new ProjectContext.SceneRef(UUID.nameUUIDFromBytes("goodbye".getBytes()), "Goodbye", "outro", 4)));

    /** A scored pair: the signature guard's difference and the unexplained difference, or null. */
    record Pair(boolean same, String kind, String a, String b, double score, String guard, String difference) {
        boolean served(double threshold) {
            return score >= threshold && guard == null && difference == null;
        }
    }

    static final double SHIPPED = 0.80;
    /** The report's sections, written in this order whatever order the tests run in. */
    private static final Map<Integer, StringBuilder> SECTIONS = new TreeMap<>();
    private static Embedder embedder;
    private static List<Pair> pairs;
    private static List<Pair> heldOut;

    @BeforeAll
    static void score() throws IOException {
        embedder = new Embedder(1, 8, Duration.ofSeconds(60), new SimpleMeterRegistry());
        pairs = scored(rows("/semantic/pairs.tsv"));
        heldOut = scored(rows("/semantic/holdout.tsv"));
    }

    @AfterAll
    static void report() throws IOException {
        Path out = Path.of("target", "semantic-evaluation.md");
        Files.createDirectories(out.getParent());
        StringBuilder report = new StringBuilder();
        SECTIONS.values().forEach(report::append);
        Files.writeString(out, report);
        System.out.println(report);
    }

    static List<Pair> scored(List<String[]> rows) {
        List<Pair> scored = new ArrayList<>();
        for (String[] row : rows) {
            float[] x = embedder.embedNow(row[3]);
            float[] y = embedder.embedNow(row[4]);
            double dot = 0;
            for (int i = 0; i < x.length; i++) {
                dot += x[i] * y[i];
            }
            String guard = PromptGuards.of(row[3], CONTEXT).differenceFrom(PromptGuards.of(row[4], CONTEXT));
            String difference = PromptDifferences.unexplained(row[3], row[4], CONTEXT);
            scored.add(new Pair(row[0].equals("same"), row[1], row[3], row[4], dot, guard, difference));
        }
        return scored;
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

    /** The generated near-misses of {@code from}'s paraphrases, scored (all labelled different). */
    static List<Pair> nearMisses(List<Pair> from) {
        List<String[]> rows = new ArrayList<>();
        for (NearMisses.NearMiss m : NearMisses.of(from)) {
            rows.add(new String[] { "different", m.kind(), "generated", m.a(), m.b() });
        }
        return scored(rows);
    }

    @Test
    void shouldMakeNoWrongMatchOnTheTuningPairsWithARecallWorthHaving() {
        StringBuilder report = section(1);
        long same = pairs.stream().filter(Pair::same).count();
        assertThat(pairs).as("labelled pairs").hasSizeGreaterThanOrEqualTo(400);
        report.append(String.format(Locale.ROOT, "# Semantic decision cache: evaluation%n%n"
                + "all-MiniLM-L6-v2 (quantized) cosine similarity, the signature guards (`PromptGuards`) and every "
                + "difference explained (`PromptDifferences`, WordNet 3.1); `./mvnw test -Dtest=SemanticEvaluationTest`.%n%n"
                + "## Tuning pairs (`pairs.tsv`): %d pairs (%d same, %d different)%n%n"
                + "| threshold | all guards: wrong | recall | signature only: wrong | recall | score alone: wrong | recall |%n"
                + "|---|---|---|---|---|---|---|%n", pairs.size(), same, pairs.size() - same));
        for (double t = 0.50; t <= 0.951; t += 0.05) {
            double threshold = t;
            report.append(String.format(Locale.ROOT, "| %.2f%s | %d | %.1f%% | %d | %.1f%% | %d | %.1f%% |%n", threshold,
                    Math.abs(threshold - SHIPPED) < 1e-9 ? " (shipped)" : "",
                    count(pairs, false, p -> p.served(threshold)), percent(pairs, p -> p.served(threshold)),
                    count(pairs, false, p -> p.guard() == null && p.score() >= threshold),
                    percent(pairs, p -> p.guard() == null && p.score() >= threshold),
                    count(pairs, false, p -> p.score() >= threshold), percent(pairs, p -> p.score() >= threshold)));
        }
        byKind(report, "tuning pairs", pairs);
        List<Pair> missed = pairs.stream().filter(p -> p.same() && !p.served(SHIPPED)).toList();
        report.append("\nParaphrases not matched at the shipped threshold (why):\n\n");
        missed.forEach(p -> report.append(String.format(Locale.ROOT, "- %s %.3f `%s` / `%s`%n",
                p.guard() != null ? "guard " + p.guard() : p.difference() != null ? p.difference() : "score", p.score(),
                p.a(), p.b())));

        assertThat(wrong(pairs)).as("wrong matches at the shipped threshold").isEmpty();
        assertThat(count(pairs, false, p -> p.score() >= SHIPPED)).as("wrong matches of the score alone").isGreaterThan(10);
        assertThat(percent(pairs, p -> p.served(SHIPPED))).as("recall at the shipped threshold (%)")
                .isGreaterThanOrEqualTo(50.0);
    }

    /** Pairs written after the tuning and never used to change anything: no wrong match. */
    @Test
    void shouldMakeNoWrongMatchOnTheHeldOutPairs() {
        StringBuilder report = section(2);
        report.append(String.format(Locale.ROOT, "%n## Held-out pairs (`holdout.tsv`): %d pairs (%d same)%n%n"
                + "At the shipped threshold: %d wrong matches with every guard (%d with the signature only, %d with the "
                + "score alone), recall %.1f%%; false-match rate 0 of %d, at most %.2f%% (95%%).%n", heldOut.size(),
                heldOut.stream().filter(Pair::same).count(), wrong(heldOut).size(),
                count(heldOut, false, p -> p.guard() == null && p.score() >= SHIPPED),
                count(heldOut, false, p -> p.score() >= SHIPPED), percent(heldOut, p -> p.served(SHIPPED)),
                count(heldOut, false, p -> true), 100 * upperBound(count(heldOut, false, p -> true))));
        byKind(report, "held-out pairs", heldOut);
        assertThat(heldOut).hasSizeGreaterThanOrEqualTo(100);
        assertThat(wrong(heldOut)).as("wrong matches on the held-out pairs").isEmpty();
    }

    /** Near-misses generated from the lexicon, from the tuning paraphrases and (held out) from the held-out ones. */
    @Test
    void shouldRefuseEveryGeneratedNearMiss() {
        StringBuilder report = section(3);
        List<Pair> tuning = nearMisses(pairs);
        List<Pair> held = nearMisses(heldOut);
        for (var set : List.of(Map.entry("from the tuning paraphrases", tuning),
                Map.entry("from the held-out paraphrases (held out)", held))) {
            List<Pair> generated = set.getValue();
            report.append(String.format(Locale.ROOT, "%n## Generated near-misses %s: %d%n%n"
                    + "| kind | pairs | served (wrong) | 95%% upper bound | signature only would serve | score alone would serve |%n"
                    + "|---|---|---|---|---|---|%n", set.getKey(), generated.size()));
            Map<String, List<Pair>> kinds = new TreeMap<>();
            generated.forEach(p -> kinds.computeIfAbsent(p.kind(), k -> new ArrayList<>()).add(p));
            kinds.put("all", generated);
            kinds.forEach((kind, list) -> report.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f%% | %d | %d |%n",
                    kind, list.size(), wrong(list).size(), 100 * upperBound(list.size()),
                    count(list, false, p -> p.guard() == null && p.score() >= SHIPPED),
                    count(list, false, p -> p.score() >= SHIPPED))));
            wrong(generated).forEach(p -> report.append(String.format(Locale.ROOT, "- wrong (%s): %.3f `%s` / `%s`%n",
                    p.kind(), p.score(), p.a(), p.b())));
        }
        assertThat(tuning.size()).as("near-misses generated").isGreaterThan(600);
        assertThat(held.size()).as("held-out near-misses generated").isGreaterThan(120);
        assertThat(wrong(tuning)).as("generated near-misses served").isEmpty();
        assertThat(wrong(held)).as("held-out generated near-misses served").isEmpty();
    }

    private static synchronized StringBuilder section(int order) {
        return SECTIONS.computeIfAbsent(order, o -> new StringBuilder());
    }

    private static void byKind(StringBuilder report, String name, List<Pair> set) {
        Map<String, long[]> byKind = new TreeMap<>();
        for (Pair p : set) {
            long[] c = byKind.computeIfAbsent((p.same() ? "same: " : "different: ") + p.kind(), k -> new long[4]);
            c[0]++;
            c[1] += p.score() >= SHIPPED ? 1 : 0;
            c[2] += p.guard() == null && p.score() >= SHIPPED ? 1 : 0;
            c[3] += p.served(SHIPPED) ? 1 : 0;
        }
        report.append(String.format(Locale.ROOT, "%nThe %s at the shipped threshold (%.2f), by kind:%n%n"
                + "| kind | pairs | score ≥ threshold | and the signature | served | 95%% upper bound of wrong matches |%n"
                + "|---|---|---|---|---|---|%n", name, SHIPPED));
        byKind.forEach((kind, c) -> report.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s |%n", kind, c[0],
                c[1], c[2], c[3], kind.startsWith("same") ? ""
                        : c[3] == 0
                                ? String.format(Locale.ROOT, "%.1f%%", 100 * upperBound(c[0]))
                                : "")));
        wrong(set).forEach(p -> report.append(String.format(Locale.ROOT, "- wrong: %.3f `%s` / `%s`%n", p.score(), p.a(),
                p.b())));
    }

    private static List<Pair> wrong(List<Pair> set) {
        return set.stream().filter(p -> !p.same() && p.served(SHIPPED)).toList();
    }

    private static long count(List<Pair> set, boolean same, java.util.function.Predicate<Pair> test) {
        return set.stream().filter(p -> p.same() == same && test.test(p)).count();
    }

    private static double percent(List<Pair> set, java.util.function.Predicate<Pair> test) {
        long same = set.stream().filter(Pair::same).count();
        return 100.0 * count(set, true, test) / Math.max(1, same);
    }

    /** The exact one-sided 95% upper bound of a rate seen 0 times in {@code n} trials (about 3/n). */
    static double upperBound(long n) {
        return n == 0 ? 1 : 1 - Math.pow(0.05, 1.0 / n);
    }
}
