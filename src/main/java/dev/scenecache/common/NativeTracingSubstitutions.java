package dev.scenecache.common;

import java.net.URI;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.opentelemetry.runtime.config.runtime.exporter.OtlpExporterRuntimeConfig;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;

/**
 * The native executable exports traces over OTLP/HTTP only. Quarkus' gRPC support, which OTLP over gRPC needs,
 * registers every protobuf message class for reflection (about 10,000 types, the largest part of the image), so the
 * native profile of pom.xml leaves {@code quarkus-grpc-common} and Vert.x' gRPC client out of the build. The one
 * method that would reach them, Quarkus' gRPC span exporter factory, is replaced here (read only by the native image
 * builder; the JVM never loads this class) by the refusal that {@link TracingProtocol} gives at start, so asking
 * for {@code grpc} in the native executable fails with that message instead of a missing class. {@code NativeBuildIT}
 * fails when gRPC is back in the executable.
 */
final class NativeTracingSubstitutions {

    private NativeTracingSubstitutions() {
    }

    @TargetClass(className = "io.quarkus.opentelemetry.runtime.exporter.otlp.OTelExporterRecorder$1")
    static final class Target_SpanExporterFactory {

        @Substitute
        private SpanExporter createOtlpGrpcSpanExporter(OtlpExporterRuntimeConfig config, Vertx vertx, URI uri,
                TlsConfigurationRegistry tls) {
            throw new IllegalStateException(TracingProtocol.GRPC_NOT_NATIVE);
        }
    }
}
