package dev.scenecache.ai;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.cache.CacheGroup;
import dev.scenecache.cache.CacheId;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.CachePeek;
import dev.scenecache.cache.CacheRead;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.ValueCodec;
import dev.scenecache.common.Tracing;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;

/**
 * The {@code decision} cache (TTL {@code CACHE_TTL_AI}): keyed by {@link DecisionKey} within the
 * project's group, so deleting the project drops its decisions. Only answers are cached: a failure
 * or timeout upstream is an exception, which the cache never stores.
 */
@ApplicationScoped
public class DecisionCache {

    private final Brain brain;
    private final InflightCalls inflight;
    private final AiStats stats;
    private final SpendLimits limits;
    private final CachePeek cache;
    private final CacheSpec spec;
    private final Tracing tracing;

    public DecisionCache(Brain brain, InflightCalls inflight, AiStats stats, SpendLimits limits, CachePeek cache,
            ObjectMapper mapper, Tracing tracing) {
        this.tracing = tracing;
        this.brain = brain;
        this.inflight = inflight;
        this.stats = stats;
        this.limits = limits;
        this.cache = cache;
        // As the @CacheRead of decide() stores them: BrainAnswer as JSON, no not-found entries.
        this.spec = new CacheSpec(CacheNames.DECISION, new ValueCodec() {
            @Override
            public byte[] encode(Object value) throws Exception {
                return mapper.writeValueAsBytes(value);
            }

            @Override
            public Object decode(byte[] payload) throws Exception {
                return mapper.readValue(payload, BrainAnswer.class);
            }
        }, cache.ttlMillis(CacheNames.DECISION), false);
    }

    /** The decision cached for {@code hash} now, or null: nothing is loaded, stored or counted. */
    public Uni<BrainAnswer> peek(UUID projectId, String hash) {
        return cache.peek(key(projectId, hash), spec).map(v -> (BrainAnswer) v);
    }

    /** How long a decision is cached ({@code CACHE_TTL_AI}), in ms. */
    public long ttlMillis() {
        return spec.ttlMillis();
    }

    public static CacheKey key(UUID projectId, String hash) {
        return CacheKey.of(CacheNames.DECISION, CacheNames.projectGroup(projectId), hash);
    }

    /**
     * The decision for {@code hash}; on a miss the brain is asked (once across instances) and
     * {@code called} is set when this call was the one that asked it.
     */
    @CacheRead(cache = CacheNames.DECISION, negative = false)
    public Uni<BrainAnswer> decide(@CacheGroup(CacheNames.PROJECT_GROUP) UUID projectId, @CacheId String hash, String prompt,
            ProjectContext context, AtomicBoolean called) {
        boolean[] mine = new boolean[1];
        // The spend limits are checked by the one call that asks the brain (single flight), right before it.
        Uni<Void> allowed = HeuristicBrain.PROVIDER.equals(brain.provider()) ? Uni.createFrom().voidItem()
                : Uni.createFrom().deferred(() -> limits.acquire(projectId));
        return inflight.once(key(projectId, hash).redisKey(), () -> allowed.chain(() -> ask(prompt, context)
                .invoke(answer -> stats.upstreamCall(answer.tokens()))
                .onFailure().invoke(f -> stats.upstreamError())), mine)
                .invoke(() -> called.set(mine[0]));
    }

    /** The brain's call, as an {@code ai.brain.call} span (tracing on): provider, model, tokens; never the prompt. */
    private Uni<BrainAnswer> ask(String prompt, ProjectContext context) {
        Span span = tracing.start("ai.brain.call");
        span.setAttribute("gen_ai.provider.name", brain.provider());
        span.setAttribute("gen_ai.request.model", brain.model());
        return Tracing.within(span, () -> brain.decide(prompt, context).invoke(answer -> {
            span.setAttribute("gen_ai.response.model", answer.model() == null ? "" : answer.model());
            span.setAttribute("gen_ai.usage.total_tokens", answer.tokens());
        }));
    }
}
