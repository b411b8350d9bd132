package dev.scenecache.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTlsTest {

    private static final String REACTIVE_MODE = "quarkus.datasource.reactive.postgresql.ssl-mode";
    private static final String JDBC_MODE = "quarkus.datasource.jdbc.additional-jdbc-properties.sslmode";

    @TempDir
    Path dir;

    @Test
    void shouldLeaveTlsOffByDefault() {
        assertThat(DatabaseTls.properties("", "")).containsExactlyInAnyOrderEntriesOf(
                Map.of(REACTIVE_MODE, "disable", JDBC_MODE, "disable"));
    }

    @Test
    void shouldVerifyTheCertificateAndTheHostUnderVerifyFull() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Map<String, String> p = DatabaseTls.properties("verify-full", ca.toString());
        assertThat(p).containsEntry(REACTIVE_MODE, "verify-full").containsEntry(JDBC_MODE, "verify-full")
                .containsEntry("quarkus.datasource.reactive.trust-certificate-pem.certs", ca.toString())
                .containsEntry("quarkus.datasource.jdbc.additional-jdbc-properties.sslrootcert", ca.toString())
                .containsEntry("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS")
                .doesNotContainKey("quarkus.datasource.reactive.trust-all");
        assertThat(DatabaseTls.properties("VERIFY-FULL", "")).containsEntry(
                "quarkus.datasource.jdbc.additional-jdbc-properties.sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory")
                .doesNotContainKey("quarkus.datasource.reactive.trust-all");
    }

    @Test
    void shouldCheckTheChainUnderRequireOnlyWithARootCertificate() throws Exception {
        assertThat(DatabaseTls.properties("require", "")).containsEntry(REACTIVE_MODE, "require")
                .containsEntry(JDBC_MODE, "require").containsEntry("quarkus.datasource.reactive.trust-all", "true");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        assertThat(DatabaseTls.properties("require", ca.toString())).containsEntry(JDBC_MODE, "verify-ca")
                .doesNotContainKey("quarkus.datasource.reactive.trust-all")
                .doesNotContainKey("quarkus.datasource.reactive.hostname-verification-algorithm");
    }

    @Test
    void shouldRefuseSettingsThatCannotWork() throws Exception {
        assertThatThrownBy(() -> DatabaseTls.properties("prefer", "")).hasMessageContaining("PG_SSLMODE must be one of");
        assertThatThrownBy(() -> DatabaseTls.properties("verify-full", dir.resolve("missing.pem").toString()))
                .hasMessageContaining("PG_SSL_ROOT_CERT cannot be read");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        assertThatThrownBy(() -> DatabaseTls.properties("disable", ca.toString())).hasMessageContaining("not be encrypted");
    }
}
