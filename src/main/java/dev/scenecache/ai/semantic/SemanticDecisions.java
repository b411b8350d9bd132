package dev.scenecache.ai.semantic;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.scenecache.ai.AiConfig;
import dev.scenecache.ai.BrainAnswer;
import dev.scenecache.ai.DecisionCache;
import dev.scenecache.ai.ProjectContext;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Problems;
import dev.scenecache.common.Recent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * The semantic decision cache: on an exact miss, the decision of an earlier prompt that means the same
 * thing, in the same project state, instead of a call to the brain. Opt-in ({@code AI_SEMANTIC_CACHE}),
 * audited, and switchable at run time ({@code PUT /admin/ai/semantic/enabled}, per instance).
 *
 * <p>
 * <b>Invariants.</b>
 * <ol>
 * <li><b>Same project state only.</b> Prompts are compared within one context fingerprint (the project
 * type and its ordered scenes' ids, names and types, the brain, the model and the tool schema: what the
 * exact key covers but the prompt), so the only question is whether two prompts mean the same.</li>
 * <li><b>Guards before scores.</b> An earlier prompt is a candidate only if its {@link PromptGuards}
 * signature equals this one's: the same negation, numbers and ordinals, operation, named scenes and
 * things, quoted text, colours and values. Then the nearest candidate at cosine similarity
 * {@code AI_SEMANTIC_THRESHOLD} or more whose every difference is explained is served; else the brain is asked
 * as without this tier.</li>
 * <li><b>Every difference explained.</b> Every content word one prompt has and the other lacks must be a WordNet
 * synonym of a word of the other, or the same in the editor's domain list; antonyms never match
 * ({@link PromptDifferences}). Checked on the embedding workers, for the nearest {@value #EXPLAINED_AT_MOST}
 * candidates at most.</li>
 * <li><b>Only what is still cached, still valid.</b> The match's decision is read from the decision cache
 * under its own key (nothing is loaded): a decision flushed, invalidated or expired is not served. It is
 * re-checked for validity like an exact hit (its target scene still there, with its name and type).</li>
 * <li><b>Never stored under the new prompt's key.</b> A semantic hit is served, counted and audited, not
 * copied: switching the tier off stops every semantic answer at once.</li>
 * <li><b>Never a failure.</b> Redis down, the embedding queue full or slow (the model loads on first use),
 * a broken index: the brain is asked, as without this tier.</li>
 * <li><b>Single flight is kept.</b> Prompts that miss both tiers go through the exact cache's single
 * flight: concurrent identical misses still make one upstream call.</li>
 * </ol>
 * <b>Shadow mode</b> ({@code AI_SEMANTIC_CACHE=shadow}): the lookup is made, the brain still asked and served,
 * and the match compared with its decision ({@link SemanticShadow}).
 * Each semantic hit is recorded (prompt, matched prompt, score) in a bounded in-memory audit
 * ({@code AI_SEMANTIC_AUDIT}, {@code GET /admin/ai/semantic}) and counted in {@code ai_semantic_hits_total}.
 * Prompts are never logged.
 */
@ApplicationScoped
public class SemanticDecisions {

    private static final Logger LOG = Logger.getLogger(SemanticDecisions.class);
    /** The nearest candidates checked for unexplained differences, at most (bounds a lookup's work). */
    private static final int EXPLAINED_AT_MOST = 8;

    /** One semantic hit, as the audit shows it. */
    @RegisterForReflection
    public record Hit(Instant at, UUID projectId, String prompt, String matchedPrompt, double score, String operation,
            UUID targetSceneId) {
    }

    /** What a lookup found: the prompt's embedding and signature (to index it later), and the match if any. */
    public record Lookup(float[] vector, PromptGuards.Signature signature, BrainAnswer answer, String matchedPrompt,
            double score) {
        static final Lookup NONE = new Lookup(null, null, null, null, 0);

        public boolean matched() {
            return answer != null;
        }
    }

    private final AiConfig config;
    private final Embedder embedder;
    private final SemanticIndex index;
    private final DecisionCache decisions;
    private final AtomicReference<Mode> mode;
    private final SemanticShadow shadow;
    private final Recent<Hit> audit;
    private final LongAdder hits = new LongAdder();
    private final LongAdder guarded = new LongAdder();
    private final LongAdder belowThreshold = new LongAdder();
    private final LongAdder unexplained = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final Timer lookups;

    public SemanticDecisions(AiConfig config, Embedder embedder, SemanticIndex index, DecisionCache decisions,
            MeterRegistry registry) {
        this.config = config;
        this.audit = new Recent<>(config.semanticAudit());
        this.embedder = embedder;
        this.index = index;
        this.decisions = decisions;
        this.mode = new AtomicReference<>(Mode.of(config.semanticCache()));
        this.shadow = new SemanticShadow(registry, config.semanticAudit());
        this.lookups = Timer.builder("ai.semantic.lookup")
                .description("What an exact miss pays for the semantic lookup: embedding, index, guards, differences")
                .publishPercentiles(0.5, 0.99).register(registry);
        FunctionCounter.builder("ai.semantic.hits", hits, LongAdder::sum)
                .description("Decisions served from an earlier prompt that means the same (semantic cache)")
                .register(registry);
        for (var lookup : Map.of("guarded", guarded, "below_threshold", belowThreshold, "unexplained", unexplained,
                "skipped", skipped).entrySet()) {
            FunctionCounter.builder("ai.semantic.misses", lookup.getValue(), LongAdder::sum)
                    .description("Semantic lookups that served nothing: every candidate told apart by a guard,"
                            + " none similar enough, a difference no synonym explains, or no lookup possible (Redis,"
                            + " the embedding queue)")
                    .tag("reason", lookup.getKey()).register(registry);
        }
    }

    /** {@code AI_SEMANTIC_CACHE}: off, on (matches are served), or shadow (looked up and compared, never served). */
    public enum Mode {
        OFF,
        ON,
        SHADOW;

        /** {@code false}, {@code true} or {@code shadow} (any case). */
        public static Mode of(String value) {
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "false", "off" -> OFF;
                case "true", "on" -> ON;
                case "shadow" -> SHADOW;
                default -> throw new IllegalArgumentException("AI_SEMANTIC_CACHE must be false, true or shadow, not ["
                        + value + "]");
            };
        }
    }

    /** Whether exact misses are looked up (on, or in shadow). */
    public boolean enabled() {
        return mode.get() != Mode.OFF;
    }

    /** Whether matches are compared with the brain's decision instead of served. */
    public boolean shadow() {
        return mode.get() == Mode.SHADOW;
    }

    public Mode mode() {
        return mode.get();
    }

    /** Switches the tier on or off; on is refused (409) where it cannot run (the native executable). */
    public void setEnabled(boolean on) {
        setMode(on ? Mode.ON : Mode.OFF);
    }

    /** Sets the mode; on and shadow are refused (409) where the tier cannot run (the native executable). */
    public void setMode(Mode to) {
        if (to != Mode.OFF && !Embedder.available()) {
            throw new ProblemException(409, Problems.NOT_AVAILABLE,
                    "Not available", Embedder.UNAVAILABLE, List.of());
        }
        if (mode.getAndSet(to) == Mode.OFF && to != Mode.OFF) {
            embedder.warmUp();
        }
    }

    /** {@code AI_SEMANTIC_CACHE=true} (or shadow) where it cannot run stops the start with the reason; else it warms up. */
    void check(@Observes StartupEvent event) {
        if (Mode.of(config.semanticCache()) != Mode.OFF) {
            if (!Embedder.available()) {
                throw new IllegalStateException("AI_SEMANTIC_CACHE=" + config.semanticCache() + ": " + Embedder.UNAVAILABLE);
            }
            embedder.warmUp(); // the model and WordNet load now, not during the first lookups
        }
    }

    public SemanticShadow shadowComparisons() {
        return shadow;
    }

    /**
     * Shadow mode: the brain decided {@code brain} for a prompt that {@code lookup} matched; counted and kept. Answers
     * whether they agree.
     */
    public boolean compared(UUID projectId, String prompt, Lookup lookup, dev.scenecache.ai.DecisionView brain) {
        return shadow.compared(projectId, new String(SemanticIndex.truncated(prompt), StandardCharsets.UTF_8),
                lookup.matchedPrompt(), lookup.score(), lookup.answer(), brain);
    }

    public boolean available() {
        return Embedder.available();
    }

    public double threshold() {
        return config.semanticThreshold();
    }

    public boolean modelLoaded() {
        return embedder.loaded();
    }

    public long hits() {
        return hits.sum();
    }

    /** The most recent semantic hits, newest first. */
    public List<Hit> audit() {
        return audit.newestFirst();
    }

    /**
     * The nearest earlier prompt of this project state that passes the guards and the threshold, with its
     * still cached decision; {@link Lookup#NONE} (or a lookup without a match) otherwise. Never fails.
     */
    public Uni<Lookup> lookup(UUID projectId, String contextHash, String prompt, ProjectContext context) {
        PromptGuards.Signature signature = PromptGuards.of(prompt, context);
        byte[] signatureHash = SemanticIndex.signatureHash(signature);
        long started = System.nanoTime();
        return embedder.embed(prompt)
                .chain(vector -> index.entries(projectId, contextHash).chain(entries -> {
                    List<Candidate> near = new ArrayList<>();
                    boolean anyGuarded = false;
                    boolean anySigned = false;
                    for (SemanticIndex.Entry entry : entries) {
                        if (!Arrays.equals(entry.signature(), signatureHash)) {
                            anyGuarded = true;
                            continue;
                        }
                        anySigned = true;
                        double score = entry.similarity(vector);
                        if (score >= config.semanticThreshold()) {
                            near.add(new Candidate(entry, score));
                        }
                    }
                    if (near.isEmpty()) {
                        (!anySigned && anyGuarded ? guarded : belowThreshold).increment();
                        return Uni.createFrom().item(new Lookup(vector, signature, null, null, 0));
                    }
                    near.sort(Comparator.comparingDouble(Candidate::score).reversed());
                    List<Candidate> nearest = near.subList(0, Math.min(near.size(), EXPLAINED_AT_MOST));
                    // Every difference explained (WordNet lookups: on a worker, not on the event loop).
                    return embedder.onWorker(() -> nearest.stream()
                            .filter(c -> PromptDifferences.unexplained(prompt, c.entry().prompt(), context) == null)
                            .findFirst().orElse(null))
                            .chain(match -> {
                                if (match == null) {
                                    unexplained.increment();
                                    return Uni.createFrom().item(new Lookup(vector, signature, null, null, 0));
                                }
                                return decisions.peek(projectId, match.entry().decisionHash()).map(answer -> answer == null
                                        ? new Lookup(vector, signature, null, null, 0)
                                        : new Lookup(vector, signature, answer, match.entry().prompt(), match.score()));
                            });
                }))
                .onFailure().recoverWithItem(failure -> {
                    skipped.increment();
                    LOG.debugf("Semantic lookup skipped: %s", failure.toString());
                    return Lookup.NONE;
                })
                .invoke(() -> lookups.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /** An earlier prompt with this one's signature, at the threshold or above. */
    private record Candidate(SemanticIndex.Entry entry, double score) {
    }

    /** Counts and records a match that was served. */
    public void served(UUID projectId, String prompt, Lookup lookup) {
        hits.increment();
        BrainAnswer answer = lookup.answer();
        Hit hit = new Hit(Instant.now(), projectId, new String(SemanticIndex.truncated(prompt),
                StandardCharsets.UTF_8), lookup.matchedPrompt(), Math.round(lookup.score() * 1000) / 1000.0,
                answer.operation().name(), answer.targetSceneId());
        audit.add(hit);
    }

    /** Indexes a prompt whose decision this instance just had the brain make. Never fails. */
    public Uni<Void> remember(UUID projectId, String contextHash, String decisionHash, String prompt, Lookup lookup) {
        if (lookup.vector() == null) {
            return Uni.createFrom().voidItem();
        }
        return index.add(projectId, contextHash, decisionHash, lookup.signature(), lookup.vector(), prompt,
                config.semanticCandidates(), decisions.ttlMillis())
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Semantic index not updated: %s", failure.toString());
                    return null;
                });
    }
}
