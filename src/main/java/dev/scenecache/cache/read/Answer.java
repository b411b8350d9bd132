package dev.scenecache.cache.read;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.scenecache.cache.CacheOutcome;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.redis.EntryCodec;
import dev.scenecache.common.ProblemException;
import dev.scenecache.common.Problems;

/**
 * A read's answer: the value or the not-found to throw, how it was answered, and the times of the entry
 * it came from (0 when it came from the source).
 */
record Answer(Object value, ProblemException notFound, CacheOutcome outcome, long storedAt, long freshUntil) {

    Answer(Object value, ProblemException notFound, CacheOutcome outcome) {
        this(value, notFound, outcome, 0, 0);
    }

    Answer as(CacheOutcome other) {
        return new Answer(value, notFound, other, storedAt, freshUntil);
    }

    /**
     * An L2 entry's answer when it is of {@code cacheGeneration} and decodes ({@link EntryCodec}, then the
     * cache's codec), else null: a miss.
     */
    static Answer decode(byte[] bytes, CacheSpec spec, long cacheGeneration, int maxEntryBytes) {
        EntryCodec.Decoded entry = EntryCodec.decode(bytes, maxEntryBytes);
        if (entry == null || entry.cacheGeneration() != cacheGeneration) {
            return null;
        }
        if (entry.negative()) {
            return new Answer(null, notFound(new String(entry.payload(), StandardCharsets.UTF_8)), CacheOutcome.HIT_L2,
                    entry.storedAtMillis(), entry.freshUntilMillis());
        }
        try {
            Object value = spec.codec().decode(entry.payload());
            return value == null ? null
                    : new Answer(value, null, CacheOutcome.HIT_L2, entry.storedAtMillis(), entry.freshUntilMillis());
        } catch (Exception e) {
            return null;
        }
    }

    static ProblemException notFound(String detail) {
        return new ProblemException(404, Problems.NOT_FOUND, "Not found", detail, List.of());
    }

    static boolean isNotFound(Throwable failure) {
        return failure instanceof ProblemException p && p.status() == 404;
    }
}
