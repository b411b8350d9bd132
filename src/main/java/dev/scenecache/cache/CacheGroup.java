package dev.scenecache.cache;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a {@link CacheRead} method that names the key's group. {@link #value()} is the
 * group's kind: {@code "p"} for a project id, {@code "u"} for a user id, {@code "c"} for content.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface CacheGroup {
    String value();
}
