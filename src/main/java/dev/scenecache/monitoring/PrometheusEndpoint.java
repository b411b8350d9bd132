package dev.scenecache.monitoring;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;

/**
 * {@code GET /q/metrics}: the Prometheus text format (0.0.4) of every meter.
 *
 * <p>
 * Quarkus' own endpoint (moved to {@code /q/prometheus} by {@code quarkus.micrometer.export.prometheus.path})
 * writes a counter's HELP and TYPE lines under its base name ({@code # TYPE cache_gets counter}) and
 * its samples as {@code cache_gets_total}: Prometheus accepts that, but the text parser of
 * {@code promtool check metrics} (Prometheus 2.42, Debian's) then sees samples without help or type.
 * This endpoint serves the same exposition with the HELP and TYPE lines of counters named like their
 * samples, which every parser reads the same way. Hand-written (a line rewrite) because no setting of the
 * bundled Prometheus client does it.
 *
 * <p>
 * A scrape evaluates every gauge and renders every series, some milliseconds of CPU: it runs on a worker
 * thread, not on an event loop, where it held up every request of that loop meanwhile (MetricsTest).
 */
@ApplicationScoped
public class PrometheusEndpoint {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    void route(@Observes Router router, Instance<PrometheusMeterRegistry> registry) {
        router.get("/q/metrics").blockingHandler(rc -> rc.response()
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(withCounterNamesOfSamples(registry.get().scrape())), false);
    }

    /** Renames {@code # HELP x} / {@code # TYPE x counter} to {@code x_total}: the name of the samples. */
    static String withCounterNamesOfSamples(String exposition) {
        String[] lines = exposition.split("\n", -1);
        Set<String> counters = new HashSet<>();
        for (String line : lines) {
            if (line.startsWith("# TYPE ") && line.endsWith(" counter") && !line.endsWith("_total counter")) {
                counters.add(line.substring(7, line.length() - 8));
            }
        }
        StringBuilder out = new StringBuilder(exposition.length() + 16 * counters.size());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("# TYPE ") || line.startsWith("# HELP ")) {
                int end = line.indexOf(' ', 7);
                String name = line.substring(7, end < 0 ? line.length() : end);
                if (counters.contains(name)) {
                    line = line.substring(0, 7) + name + "_total" + line.substring(7 + name.length());
                }
            }
            out.append(line);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
