package dev.scenecache.component;

import jakarta.enterprise.context.ApplicationScoped;

import dev.scenecache.cache.CacheGroup;
import dev.scenecache.cache.CacheNames;
import dev.scenecache.cache.CacheRead;
import io.smallrye.mutiny.Uni;

/**
 * The {@code component} cache: content-addressed, like Bazel's action cache. The key is the content
 * hash alone (its own Redis hash tag), so identical code and props build once whatever scene or
 * project they come from, and nothing ever invalidates an entry: other content has another key.
 */
@ApplicationScoped
public class ComponentBuilds {

    private final CompilePool pool;
    private final SwcCompiler compiler;

    public ComponentBuilds(CompilePool pool, SwcCompiler compiler) {
        this.pool = pool;
        this.compiler = compiler;
    }

    /** The build of {@code tsx}, whose content address is {@code hash} (see {@link ComponentService#hash}). */
    @CacheRead(cache = CacheNames.COMPONENT, negative = false)
    public Uni<BuildResult> build(@CacheGroup("c") String hash, String tsx) {
        long start = System.nanoTime();
        return pool.compile(tsx).map(c -> new BuildResult(c.success(), hash, c.js(), c.errors(), compiler.name(),
                (System.nanoTime() - start) / 1_000_000));
    }
}
