package dev.scenecache.common;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.TestServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Mutiny's callbacks are not wrapped by MicroProfile Context Propagation (application.properties): the
 * service never relies on thread-local context crossing threads. Its reactive steps run on the request's
 * Vert.x duplicated context, which carries the CDI request context, Hibernate Reactive's session and the
 * cache headers; a step that leaves it comes back through {@code emitOn(caller)}. The wrapping cost
 * about 7% of an L1 hit's CPU (a capture of the CDI and JTA contexts for every operator and subscriber:
 * docs/bench/2026-12-02-frontier.md).
 */
@QuarkusTest
@QuarkusTestResource(TestServers.class)
class ContextPropagationTest {

    @Test
    void shouldHandMutinyItsCallbacksUnwrapped() {
        Function<String, String> callback = s -> s;
        Runnable task = () -> {
        };
        assertSame(callback, Infrastructure.decorate(callback));
        assertSame(task, Infrastructure.decorate(task));
    }
}
