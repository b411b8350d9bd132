package dev.scenecache.project;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.cache.CacheConfig;
import dev.scenecache.component.ComponentService;
import dev.scenecache.scene.SceneService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Cache warming: {@code POST /projects/{p}/open}, and the preload of the most recently updated
 * projects at start ({@code CACHE_PRELOAD_PROJECTS}).
 *
 * <p>
 * Warming reads the project, its scene list, each of its scenes and each scene's component build
 * through the very cached methods
 * requests use, so what is cached already is a hit and costs nothing, what is not is loaded once and
 * filled with the same race guards as any read. It never writes, so it can never make anything stale.
 *
 * <p>
 * Bounds: one job per project at a time; at most {@code cache.warming.max-projects} jobs on this
 * instance (an {@code open} beyond that is skipped and counted); at most
 * {@code cache.warming.concurrency} loads at once within a job. Each load runs on its own Vert.x
 * duplicated context (a Hibernate Reactive session must not be shared by concurrent loads). A load
 * that fails is logged and counted; the caller of {@code open} has had its 202 long before.
 */
@ApplicationScoped
public class ProjectWarmer {

    private static final Logger LOG = Logger.getLogger(ProjectWarmer.class);

    private final ProjectService projects;
    private final SceneService scenes;
    private final ComponentService components;
    private final ObjectMapper mapper;
    private final CacheConfig config;
    private final Vertx vertx;
    private final Set<UUID> inProgress = ConcurrentHashMap.newKeySet();
    private final Counter completed;
    private final Counter skipped;
    private final Counter failedLoads;

    public ProjectWarmer(ProjectService projects, SceneService scenes, ComponentService components, ObjectMapper mapper,
            CacheConfig config, Vertx vertx, MeterRegistry registry) {
        this.projects = projects;
        this.components = components;
        this.scenes = scenes;
        this.mapper = mapper;
        this.config = config;
        this.vertx = vertx;
        this.completed = Counter.builder("cache.warming.projects").tag("result", "completed")
                .description("Projects warmed (open, preload)").register(registry);
        this.skipped = Counter.builder("cache.warming.projects").tag("result", "skipped")
                .description("Projects warmed (open, preload)").register(registry);
        this.failedLoads = Counter.builder("cache.warming.failures")
                .description("Loads of a warming job that failed (logged, never surfaced to the caller)")
                .register(registry);
        Gauge.builder("cache.warming.in.progress", inProgress, Set::size)
                .description("Projects being warmed now").register(registry);
    }

    /** The figures of {@code /admin/cache/stats}. */
    public record Figures(int inProgress, long completed, long skipped, long failedLoads) {
    }

    public Figures figures() {
        return new Figures(inProgress.size(), (long) completed.count(), (long) skipped.count(),
                (long) failedLoads.count());
    }

    /**
     * Checks that the project exists (through its cache: 404 otherwise), then starts warming it in the
     * background and answers at once.
     */
    public Uni<Void> open(UUID projectId) {
        return projects.findProject(projectId).invoke(() -> warm(projectId).subscribe().with(x -> {
        }, x -> {
        }))
                .replaceWithVoid();
    }

    /** Warms the project; completes when done, never fails. */
    public Uni<Void> warm(UUID projectId) {
        if (!inProgress.add(projectId)) {
            return Uni.createFrom().voidItem();
        }
        if (inProgress.size() > config.warming().maxProjects()) {
            inProgress.remove(projectId);
            skipped.increment();
            LOG.debugf("Warming of project [%s] skipped: %d projects are being warmed", projectId,
                    config.warming().maxProjects());
            return Uni.createFrom().voidItem();
        }
        Context root = vertx.getOrCreateContext();
        return onOwnContext(root, () -> projects.findProject(projectId).replaceWithVoid())
                .chain(() -> onOwnContext(root, () -> scenes.listScenes(projectId)))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(sceneIds(list.json())))
                .onItem().transformToUni(sceneId -> onOwnContext(root, () -> scenes.findScene(projectId, sceneId)
                        .chain(components::buildScene))
                        .replaceWithVoid()
                        .onFailure().recoverWithItem(failure -> failed(projectId, failure)))
                .merge(Math.max(1, config.warming().concurrency()))
                .collect().last()
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> failed(projectId, failure))
                .onTermination().invoke(() -> inProgress.remove(projectId))
                .invoke(() -> completed.increment());
    }

    /** At start, warms the {@code cache.preload-projects} most recently updated projects. */
    void preload(@Observes StartupEvent event) {
        if (config.preloadProjects() > 0 && config.enabled()) {
            preloadRecent(config.preloadProjects()).subscribe().with(
                    n -> LOG.infof("Preloaded %d project(s) into the cache", n),
                    failure -> LOG.warnf("Preload of the cache failed: [%s]", failure.toString()));
        }
    }

    /** Warms the {@code count} most recently updated projects, one after the other; answers how many. */
    public Uni<Long> preloadRecent(int count) {
        Context root = vertx.getOrCreateContext();
        return onOwnContext(root, () -> Panache.withSession(() -> Project.<Project> find("order by updatedAt desc, id")
                .page(0, count).list()))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem().transformToUniAndConcatenate(p -> warm(p.id).replaceWith(p.id))
                .collect().with(Collectors.counting());
    }

    private Void failed(UUID projectId, Throwable failure) {
        failedLoads.increment();
        LOG.warnf("Warming of project [%s]: a load failed: [%s]", projectId, failure.toString());
        return null;
    }

    /** Runs {@code work} on a new duplicated context of {@code root} and relays its outcome. */
    private static <T> Uni<T> onOwnContext(Context root, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context own = VertxContext.createNewDuplicatedContext(root);
            // Hibernate Reactive refuses a context not marked as isolated.
            VertxContextSafetyToggle.setContextSafe(own, true);
            own.runOnContext(v -> {
                try {
                    work.get().subscribe().with(emitter::complete, emitter::fail);
                } catch (RuntimeException e) {
                    emitter.fail(e);
                }
            });
        });
    }

    /** The {@code id} of each element of the scene list's JSON array, read without building a tree. */
    private List<UUID> sceneIds(byte[] json) {
        List<UUID> ids = new ArrayList<>();
        try (JsonParser parser = mapper.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return ids;
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if ("id".equals(field)) {
                        ids.add(UUID.fromString(parser.getText()));
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("Unreadable scene list", e);
        }
        return ids;
    }
}
