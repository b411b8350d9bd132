package dev.scenecache.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A configuration interface ({@code CacheConfig} and its groups) answered from a map of method names to
 * values, for tests of the cache's parts without Quarkus: what the map lacks answers null, and default
 * methods run as written.
 */
public final class ConfigProxy {

    private ConfigProxy() {
    }

    public static <T> T of(Class<T> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args)
                        : values.get(method.getName())));
    }
}
