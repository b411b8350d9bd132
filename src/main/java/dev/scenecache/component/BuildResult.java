package dev.scenecache.component;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

import dev.scenecache.cache.CacheTtl;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * API.md's BuildResult. A failed build is cached too (compiling is deterministic) but only for
 * {@link #FAILED_TTL}, so a broken component a user is fixing never holds memory for a day.
 */
@RegisterForReflection
public record BuildResult(boolean success, String hash, String js, List<BuildError> errors, String compiler,
        long buildMillis) implements CacheTtl {

    public static final Duration FAILED_TTL = Duration.ofMinutes(5);

    @RegisterForReflection
    public record BuildError(String message, int line, int column) {
    }

    @Override
    @JsonIgnore
    public Duration cacheTtl() {
        return success ? null : FAILED_TTL;
    }
}
