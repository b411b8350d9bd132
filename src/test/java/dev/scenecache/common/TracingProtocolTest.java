package dev.scenecache.common;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The native executable refuses OTLP over gRPC at start, and only there, only when tracing is on. */
class TracingProtocolTest {

    @Test
    void shouldRefuseGrpcInTheNativeExecutableWhenTracingIsOn() {
        for (String grpc : new String[] { "grpc", "GRPC", " grpc " }) {
            assertThatThrownBy(() -> TracingProtocol.refuse(true, grpc, true)).hasMessage(TracingProtocol.GRPC_NOT_NATIVE);
        }
    }

    @Test
    void shouldAcceptEverythingElse() {
        assertThatCode(() -> {
            TracingProtocol.refuse(true, "http/protobuf", true); // the default
            TracingProtocol.refuse(false, "grpc", true); // tracing off: nothing is exported
            TracingProtocol.refuse(true, "grpc", false); // the JVM build has gRPC
        }).doesNotThrowAnyException();
    }
}
