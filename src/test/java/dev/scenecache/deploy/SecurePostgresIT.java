package dev.scenecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.scenecache.testing.Http;
import dev.scenecache.testing.SecureServers;
import dev.scenecache.testing.ServiceProcess;

/**
 * The packaged service against a PostgreSQL that refuses connections without TLS ({@code pg_hba.conf}
 * has only {@code hostssl} lines for it), as a user with a password: {@code PG_SSLMODE} and
 * {@code PG_SSL_ROOT_CERT} reach both drivers (JDBC for the migrations at start, the reactive client for
 * every request), and a certificate that does not verify stops the start with the reason.
 */
class SecurePostgresIT {

    @Test
    void shouldServeOverVerifiedTlsOnEveryConnection() throws Exception {
        SecureServers.TlsPostgres pg = SecureServers.postgres();
        try (ServiceProcess service = ServiceProcess.start("pg-verify-full",
                pg.env("verify-full", SecureServers.authority().caFile()))) {
            String project = Http.id(Http.send(service.port(), "POST", "/projects",
                    "{\"name\": \"Encrypted\", \"type\": \"marketing\"}", 201));
            Http.send(service.port(), "PATCH", "/projects/" + project, "{\"name\": \"Still encrypted\"}", 200);
            assertThat(Http.send(service.port(), "GET", "/projects/" + project, null, 200).body())
                    .contains("Still encrypted");
            List<String> connections = sessionsOf("scenecache");
            assertThat(connections).as("scenecache's sessions: TLS version, or 'plain'").isNotEmpty()
                    .allSatisfy(version -> assertThat(version).startsWith("TLS"));
            assertThat(service.log()).doesNotContain(pg.password());
        }
    }

    @Test
    void shouldEncryptWithoutVerifyingUnderRequireWithoutARootCertificate() throws Exception {
        SecureServers.TlsPostgres pg = SecureServers.postgres();
        try (ServiceProcess service = ServiceProcess.start("pg-require", pg.env("require", null))) {
            Http.send(service.port(), "POST", "/projects", "{\"name\": \"Required\", \"type\": \"marketing\"}", 201);
        }
    }

    @Test
    void shouldNotStartWhenTheServerCertificateDoesNotVerify() {
        SecureServers.TlsPostgres pg = SecureServers.postgres();
        for (String mode : List.of("verify-full", "require")) {
            assertThatThrownBy(() -> ServiceProcess.start("pg-untrusted-" + mode,
                    pg.env(mode, SecureServers.untrusted().caFile())))
                    .as(mode + " with a root certificate that did not sign the server's")
                    .hasMessageContaining("the service exited").hasMessageContaining("PKIX")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pg.password()));
        }
    }

    @Test
    void shouldNotStartWithoutTlsAgainstAServerThatRequiresIt() {
        SecureServers.TlsPostgres pg = SecureServers.postgres();
        assertThatThrownBy(() -> ServiceProcess.start("pg-disable", pg.env("disable", null)))
                .hasMessageContaining("the service exited").hasMessageContaining("no encryption")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pg.password()));
    }

    @Test
    void shouldNotStartWithAModeItDoesNotKnow() {
        SecureServers.TlsPostgres pg = SecureServers.postgres();
        assertThatThrownBy(() -> ServiceProcess.start("pg-bogus", pg.env("prefer", null)))
                .hasMessageContaining("PG_SSLMODE must be one of disable, require, verify-full, not prefer");
    }

    private static List<String> sessionsOf(String user) throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection c = SecureServers.postgres().server().connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(ssl.version, 'plain') FROM pg_stat_activity a"
                        + " JOIN pg_stat_ssl ssl ON ssl.pid = a.pid WHERE a.usename = '" + user + "'")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }
}
