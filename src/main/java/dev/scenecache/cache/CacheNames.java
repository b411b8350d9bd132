package dev.scenecache.cache;

import java.util.List;

/** The cache names of API.md, and the Redis key prefixes derived from them. */
public final class CacheNames {

    public static final String PROJECT = "project";
    public static final String SCENE = "scene";
    public static final String SCENE_LIST = "scene-list";
    public static final String DECISION = "decision";
    public static final String COMPONENT = "component";
    public static final String PREFERENCES = "preferences";

    public static final List<String> ALL = List.of(PROJECT, SCENE, SCENE_LIST, DECISION, COMPONENT, PREFERENCES);

    /** The {@link CacheGroup} kind of a project's entries. */
    public static final String PROJECT_GROUP = "p";
    /** The {@link CacheGroup} kind of a user's entries. */
    public static final String USER_GROUP = "u";

    /** Every Redis key of scenecache starts with this, so it can share a Redis with others. */
    public static final String KEY_PREFIX = "sc:";

    /** The group of a project's keys: they share one Redis Cluster hash tag {@code {p:<id>}}. */
    public static String projectGroup(Object projectId) {
        return CacheKey.group(PROJECT_GROUP, projectId);
    }

    /** The group of a user's keys. */
    public static String userGroup(String userId) {
        return CacheKey.group(USER_GROUP, userId);
    }

    public static boolean isKnown(String name) {
        return ALL.contains(name);
    }

    private CacheNames() {
    }
}
