package dev.scenecache.ai;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.ai.semantic.SemanticDecisions;
import dev.scenecache.cache.CacheHeaders;
import dev.scenecache.cache.CacheInvalidator;
import dev.scenecache.cache.CacheOutcome;
import dev.scenecache.project.ProjectService;
import dev.scenecache.scene.SceneService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * {@code POST /projects/{p}/decisions}: the project's context (through the project and scene-list
 * caches), the decision (through the decision cache), and its validity.
 *
 * <p>
 * <b>Validity on every hit</b>: a cached decision about a scene is served only while that scene is
 * still in the project with the name and type it had when the decision was made; otherwise the entry
 * is dropped and the brain asked again. (The key already covers the context, so this guards against
 * what the key cannot see, such as a hash shared by accident; it costs nothing.)
 */
@ApplicationScoped
public class DecisionService {

    private final ProjectService projects;
    private final SceneService scenes;
    private final DecisionCache decisions;
    private final Brain brain;
    private final CacheInvalidator invalidator;
    private final AiStats stats;
    private final ObjectMapper mapper;
    private final SemanticDecisions semantic;

    public DecisionService(ProjectService projects, SceneService scenes, DecisionCache decisions, Brain brain,
            CacheInvalidator invalidator, AiStats stats, ObjectMapper mapper, SemanticDecisions semantic) {
        this.projects = projects;
        this.scenes = scenes;
        this.decisions = decisions;
        this.brain = brain;
        this.invalidator = invalidator;
        this.stats = stats;
        this.mapper = mapper;
        this.semantic = semantic;
    }

    public Uni<DecisionView> decide(UUID projectId, String prompt) {
        return context(projectId).chain(context -> {
            String hash = DecisionKey.of(prompt, brain.provider(), brain.model(), context);
            if (!semantic.enabled()) {
                return decide(projectId, hash, prompt, context, true);
            }
            return decisions.peek(projectId, hash).chain(exact -> exact != null
                    ? decide(projectId, hash, prompt, context, true)
                    : decideSemantically(projectId, hash, prompt, context));
        });
    }

    /**
     * An exact miss with the semantic cache on: an earlier prompt's decision that passes the guards, the
     * threshold and the validity check; else the brain, through the exact cache, and the prompt indexed
     * when this request was the one that asked it. In shadow mode the brain is asked even when a match was
     * found, its decision served, and the two compared.
     */
    private Uni<DecisionView> decideSemantically(UUID projectId, String hash, String prompt, ProjectContext context) {
        String contextHash = DecisionKey.context(brain.provider(), brain.model(), context);
        return semantic.lookup(projectId, contextHash, prompt, context).chain(lookup -> {
            boolean matched = lookup.matched() && stillValid(lookup.answer(), context);
            if (matched && !semantic.shadow()) {
                semantic.served(projectId, prompt, lookup);
                CacheHeaders.record(Vertx.currentContext(), CacheOutcome.HIT_SEMANTIC);
                stats.semanticHit(lookup.answer().tokens());
                return Uni.createFrom().item(DecisionView.of(lookup.answer(), true));
            }
            return decide(projectId, hash, prompt, context, true)
                    .invoke(view -> {
                        if (matched) {
                            stats.semanticShadowed(semantic.compared(projectId, prompt, lookup, view));
                        }
                    })
                    .call(view -> view.cached()
                            ? Uni.createFrom().voidItem()
                            : semantic.remember(projectId, contextHash, hash, prompt, lookup));
        });
    }

    private Uni<DecisionView> decide(UUID projectId, String hash, String prompt, ProjectContext context, boolean retry) {
        AtomicBoolean called = new AtomicBoolean();
        return decisions.decide(projectId, hash, prompt, context, called).chain(answer -> {
            if (called.get()) {
                return Uni.createFrom().item(DecisionView.of(answer, false));
            }
            if (!stillValid(answer, context) && retry) {
                return invalidator.invalidate(DecisionCache.key(projectId, hash))
                        .chain(() -> decide(projectId, hash, prompt, context, false));
            }
            stats.cacheHit(answer.tokens());
            return Uni.createFrom().item(DecisionView.of(answer, true));
        });
    }

    static boolean stillValid(BrainAnswer answer, ProjectContext context) {
        if (answer.targetSceneId() == null) {
            return !answer.operation().needsTarget();
        }
        ProjectContext.SceneRef target = context.scene(answer.targetSceneId());
        return target != null && Objects.equals(target.name(), answer.targetName())
                && Objects.equals(target.type(), answer.targetType());
    }

    /** The project's type and ordered scenes, from the project and scene-list caches (404 for an unknown project). */
    Uni<ProjectContext> context(UUID projectId) {
        return projects.findProject(projectId).chain(project -> scenes.listScenes(projectId).map(list -> {
            try {
                JsonNode type = mapper.readTree(project.json()).path("type");
                List<ProjectContext.SceneRef> refs = new ArrayList<>();
                for (JsonNode s : mapper.readTree(list.json())) {
                    refs.add(new ProjectContext.SceneRef(UUID.fromString(s.path("id").asText()), s.path("name").asText(),
                            s.path("type").asText(), s.path("order").asInt()));
                }
                return new ProjectContext(type.asText(), List.copyOf(refs));
            } catch (IOException e) {
                throw new IllegalStateException("Unreadable cached project JSON", e);
            }
        }));
    }
}
