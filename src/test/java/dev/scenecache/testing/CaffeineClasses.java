package dev.scenecache.testing;

import java.lang.reflect.Field;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Caffeine picks a generated cache class and node class by a builder's options and creates them by
 * reflection; a native image keeps only the registered ones, so a class that builds a Caffeine cache
 * registers them ({@link RegisterForReflection#classNames}), and its test checks the names here.
 */
public final class CaffeineClasses {

    private CaffeineClasses() {
    }

    /** The generated cache and node classes behind {@code cache}. */
    public static Set<String> of(Cache<?, ?> cache) throws ReflectiveOperationException {
        Field inner = cache.getClass().getDeclaredField("cache");
        inner.setAccessible(true);
        Object local = inner.get(cache);
        Field nodes = Class.forName("com.github.benmanes.caffeine.cache.BoundedLocalCache").getDeclaredField("nodeFactory");
        nodes.setAccessible(true);
        return Set.of(local.getClass().getName(), nodes.get(local).getClass().getName());
    }

    /** The classes {@code type} registers for reflection by name. */
    public static Set<String> registeredBy(Class<?> type) {
        return Set.of(type.getAnnotation(RegisterForReflection.class).classNames());
    }

    /** The Caffeine cache held in {@code owner}'s field {@code name}. */
    public static Cache<?, ?> field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return (Cache<?, ?>) field.get(owner);
    }
}
