package dev.scenecache.common;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;

/**
 * The service's own spans (docs/deployment.md, "Traces"), beside those Quarkus makes for HTTP, the REST
 * client, Redis and PostgreSQL. Off by default ({@code OTEL_SDK_DISABLED=true}): then {@link #start} answers
 * the invalid span without asking the tracer, and {@link #within} runs the work as is, so a read pays one
 * branch. Spans carry names, ids, key hashes, tiers, outcomes, counts and models: never a key's or a
 * value's content, a prompt, or a secret.
 */
@ApplicationScoped
public class Tracing {

    private final Tracer tracer;
    private final boolean enabled;

    public Tracing(Tracer tracer, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled) {
        this.tracer = tracer;
        this.enabled = !disabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /** A span child of the current context's (the request's), or the invalid span when tracing is off. */
    public Span start(String name) {
        return enabled ? tracer.spanBuilder(name).startSpan() : Span.getInvalid();
    }

    /** A span child of {@code parent} (the invalid span when tracing is off or the parent is invalid). */
    public Span child(String name, Span parent) {
        if (!enabled || !parent.getSpanContext().isValid()) {
            return Span.getInvalid();
        }
        SpanBuilder builder = tracer.spanBuilder(name).setParent(Context.current().with(parent));
        return builder.startSpan();
    }

    /**
     * Runs {@code work} with {@code span} current while it is subscribed to (what the work starts at once,
     * such as Quarkus' Redis and SQL spans, becomes the span's child), and ends the span when the work ends,
     * marking it failed on a failure. With an invalid span: {@code work} itself.
     */
    public static <T> Uni<T> within(Span span, Supplier<Uni<T>> work) {
        if (!span.getSpanContext().isValid()) {
            return work.get();
        }
        return Uni.createFrom().<T> emitter(emitter -> {
            Uni<T> started;
            try (Scope scope = span.makeCurrent()) {
                started = work.get();
                var subscription = started.subscribe().with(emitter::complete, emitter::fail);
                emitter.onTermination(subscription::cancel);
            }
        }).onFailure().invoke(failure -> span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName()))
                .onTermination().invoke(span::end);
    }

    /** A 64-bit FNV-1a hash of {@code text}, in hex: how spans name a key without its content. */
    public static String hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return Long.toHexString(h);
    }
}
