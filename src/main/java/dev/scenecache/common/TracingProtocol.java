package dev.scenecache.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Which OTLP transport exports the traces (docs/deployment.md, "Traces"): {@code http/protobuf} by default (the
 * OTLP specification's default, port 4318), {@code grpc} on request. The native executable is built without gRPC
 * ({@link NativeTracingSubstitutions}): there, tracing on with {@code grpc} stops the start with the reason, as the
 * semantic tier does, instead of running without the traces the operator asked for.
 */
@ApplicationScoped
public class TracingProtocol {

    /** Why the native executable cannot export over gRPC. */
    public static final String GRPC_NOT_NATIVE = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc needs the JVM build of"
            + " scenecache (the native executable is built without gRPC); use http/protobuf, the default";

    private final boolean enabled;
    private final String protocol;

    public TracingProtocol(@ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled,
            @ConfigProperty(name = "quarkus.otel.exporter.otlp.traces.protocol") String protocol) {
        this.enabled = !disabled;
        this.protocol = protocol;
    }

    void check(@Observes StartupEvent event) {
        refuse(enabled, protocol, ImageMode.current().isNativeImage());
    }

    /** Fails when tracing is on over gRPC in the native executable. */
    static void refuse(boolean enabled, String protocol, boolean nativeImage) {
        if (enabled && nativeImage && "grpc".equalsIgnoreCase(protocol.strip())) {
            throw new IllegalStateException(GRPC_NOT_NATIVE);
        }
    }
}
