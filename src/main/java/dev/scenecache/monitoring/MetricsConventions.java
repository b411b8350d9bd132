package dev.scenecache.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps {@code /q/metrics} clean for {@code promtool check metrics} (and thus for Prometheus' own
 * naming rules), whatever extension registered the meter:
 * <ul>
 * <li>tag keys in snake_case ({@code clientName} of the Vert.x client meters becomes {@code client_name});
 * <li>no double quotes in descriptions (the bundled Prometheus client escapes them in HELP, which the
 * text format does not allow);
 * <li>{@code system.cpu.count} becomes {@code system.cpu.processors} (a gauge must not end in
 * {@code _count}); {@code process.cpu.time}, in nanoseconds, is left out ({@code process.cpu.usage}
 * says the same in base units);
 * <li>every meter has a description (an empty HELP fails the check): its name when it has none;
 * <li>long-task timers (connection durations of the HTTP server and the Redis client) are left out: the
 * bundled client writes them as summaries with samples ({@code _active_count}, {@code _duration_sum})
 * that a summary cannot have, so no parser reads them right.
 * </ul>
 */
public class MetricsConventions {

    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");

    @Produces
    @Singleton
    MeterFilter conventions() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return id.getName().equals("process.cpu.time") || id.getType() == Meter.Type.LONG_TASK_TIMER
                        ? MeterFilterReply.DENY
                        : MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                String name = id.getName().equals("system.cpu.count") ? "system.cpu.processors" : id.getName();
                List<Tag> tags = new ArrayList<>();
                boolean changed = !name.equals(id.getName());
                for (Tag tag : id.getTagsAsIterable()) {
                    String key = CAMEL.matcher(tag.getKey()).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
                    changed |= !key.equals(tag.getKey());
                    tags.add(Tag.of(key, tag.getValue()));
                }
                String description = id.getDescription();
                if (description == null || description.isBlank()) {
                    description = name; // HELP must not be empty
                    changed = true;
                } else if (description.indexOf('"') >= 0) {
                    description = description.replace('"', '\'');
                    changed = true;
                }
                return changed ? new Meter.Id(name, Tags.of(tags), id.getBaseUnit(),
                        description, id.getType()) : id;
            }
        };
    }
}
