package dev.scenecache.admin;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.logging.Logger;

import dev.scenecache.ai.AiStats;
import dev.scenecache.cache.CacheAdmin;
import dev.scenecache.cache.CacheAnalytics;
import dev.scenecache.cache.CacheInvalidator;
import dev.scenecache.cache.CacheMonitor;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.CacheStats;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Problems;
import dev.scenecache.project.ProjectWarmer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * The cache administration of API.md. Authentication is {@link AdminAuth}'s, before any of this runs.
 *
 * <p>
 * The runtime switch acts on the instance that receives it (like {@code CACHE_ENABLED} at start):
 * an instance switched off stops all Redis traffic, so it could not hear a switch back on sent through
 * Redis. Flushing a cache acts on every instance (a generation counter in Redis, then an invalidation
 * every instance's L1 applies).
 */
@Path("/admin/cache")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class);

    @RegisterForReflection
    public record EnabledRequest(@NotNull(message = "is required (true or false)") Boolean enabled) {
    }

    @RegisterForReflection
    public record EnabledView(boolean enabled) {
    }

    private final CacheMonitor monitor;
    private final CacheStats stats;
    private final AiStats ai;
    private final CacheInvalidator invalidator;
    private final CacheAdmin cache;
    private final ProjectWarmer warmer;
    private final CacheAnalytics analytics;

    public AdminResource(CacheMonitor monitor, CacheStats stats, AiStats ai, CacheInvalidator invalidator,
            CacheAdmin cache, ProjectWarmer warmer, CacheAnalytics analytics) {
        this.analytics = analytics;
        this.warmer = warmer;
        this.monitor = monitor;
        this.stats = stats;
        this.ai = ai;
        this.invalidator = invalidator;
        this.cache = cache;
    }

    @GET
    @Path("/stats")
    public Uni<CacheStatsView> stats() {
        return monitor.refreshRedis().map(x -> CacheStatsView.of(monitor, stats, ai, warmer.figures(),
                cache.circuit(), cache.l1Entries(), cache.l1Bytes()));
    }

    /** Misses by cause, the TTL's fit and recommendation, the hottest keys: per cache, on this instance. */
    @GET
    @Path("/analytics")
    public CacheAnalytics.Report analytics() {
        return analytics.report();
    }

    @POST
    @Path("/stats/reset")
    public void reset() {
        stats.reset();
        ai.reset();
        monitor.restartWindow();
        analytics.restartWindows();
        LOG.info("Cache statistics reset");
    }

    @DELETE
    @Path("/{cacheName}")
    public Uni<Void> flush(@PathParam("cacheName") String cacheName) {
        if (!CacheNames.isKnown(cacheName)) {
            throw new ProblemException(404, Problems.NOT_FOUND, "Not found", "Cache [" + cacheName
                    + "] does not exist; the caches are " + String.join(", ", CacheNames.ALL), List.of());
        }
        return invalidator.flush(cacheName).invoke(() -> LOG.infof("Cache [%s] flushed", cacheName));
    }

    @PUT
    @Path("/enabled")
    @Consumes(MediaType.APPLICATION_JSON)
    public EnabledView enabled(
            @Valid @NotNull(message = "a body {\"enabled\": true|false} is required") EnabledRequest request) {
        cache.setEnabled(request.enabled());
        LOG.infof("Caching switched %s at run time", request.enabled() ? "on" : "off");
        return new EnabledView(cache.enabled());
    }
}
