package dev.scenecache.cache.coherence;

import java.util.List;

import org.jboss.logging.Logger;

import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.local.L1Tier;
import dev.scenecache.cache.redis.RedisTier;
import io.smallrye.mutiny.Uni;

/**
 * The invalidation operations that travel on the invalidation channel and wait in the replay queue,
 * one per line, fields separated by tabs:
 * <ul>
 * <li>{@code k <cache> <group> <id>}: one key;
 * <li>{@code g <group>}: every key of a group (its generation counter moved on);
 * <li>{@code f <cache> [<generation>]}: every key of a cache (with the cache's new generation when it is known);
 * <li>{@code c}: everything in L1 (after a replay of missed invalidations).
 * </ul>
 */
final class InvalidationOps {

    private static final Logger LOG = Logger.getLogger(InvalidationOps.class);

    private InvalidationOps() {
    }

    static String key(CacheKey key) {
        return "k\t" + key.cache() + "\t" + key.group() + "\t" + key.id();
    }

    static String group(String group) {
        return "g\t" + group;
    }

    static String flush(String cache) {
        return "f\t" + cache;
    }

    static String flush(String cache, long generation) {
        return "f\t" + cache + "\t" + generation;
    }

    static String clearAll() {
        return "c";
    }

    /** Applies the operations to this instance's L1 (and a flush's generation to its view). */
    static void applyToL1(List<String> ops, L1Tier l1, GenerationView generations) {
        for (String op : ops) {
            String[] f = op.split("\t", -1);
            switch (f[0]) {
                case "k" -> l1.invalidate(new CacheKey(f[1], f[2], f[3]));
                case "g" -> l1.invalidateGroup(f[1]);
                case "f" -> {
                    if (f.length > 2) {
                        generations.advance(f[1], Long.parseLong(f[2]));
                    }
                    l1.invalidateCache(f[1]);
                }
                case "c" -> l1.clear();
                default -> LOG.debugf("Unknown invalidation [%s]", f[0]);
            }
        }
    }

    /** Applies the operations ({@code k}, {@code g}, {@code f}; others are skipped) to Redis, one after the other. */
    static Uni<Void> applyAllToRedis(List<String> ops, RedisTier tier, GenerationView generations) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String op : ops) {
            if (op.startsWith("k\t") || op.startsWith("g\t") || op.startsWith("f\t")) {
                chain = chain.chain(() -> applyToRedis(op, tier, generations));
            }
        }
        return chain;
    }

    /** Applies one operation that Redis could not take when it was made ({@code k}, {@code g} or {@code f}). */
    static Uni<Void> applyToRedis(String op, RedisTier tier, GenerationView generations) {
        String[] f = op.split("\t", -1);
        return switch (f[0]) {
            case "k" -> tier.delete(List.of(new CacheKey(f[1], f[2], f[3])));
            case "g" -> tier.bumpGeneration(CacheKey.groupGenerationKey(f[1])).replaceWithVoid();
            default -> tier.bumpGeneration(CacheKey.cacheGenerationKey(f[1]))
                    .invoke(gen -> generations.advance(f[1], gen)).replaceWithVoid();
        };
    }
}
