package dev.scenecache.cache.redis;

/**
 * What a {@code write.lua} answers: the publication's receivers (0 without one), the group's generation, and
 * for each operation whether it stored its value (a put that found no newer version and whose group
 * generation was current; never a delete, a floor or a tombstone).
 */
public record Written(long receivers, long groupGeneration, boolean[] stored) {
}
