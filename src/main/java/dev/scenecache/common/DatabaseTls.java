package dev.scenecache.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * TLS to PostgreSQL from two settings, applied the same way to both drivers the service uses: the
 * reactive client (every request) and JDBC (Flyway's migrations at start).
 *
 * <ul>
 * <li>{@code PG_SSLMODE=disable} (the default): no TLS.</li>
 * <li>{@code require}: TLS, as libpq means it: encrypted, the server's certificate checked against
 * {@code PG_SSL_ROOT_CERT} when given (libpq's {@code verify-ca}), else not checked.</li>
 * <li>{@code verify-full}: TLS, the certificate checked against {@code PG_SSL_ROOT_CERT} (a PEM file of
 * the CA to trust; the JVM's trusted CAs when unset), and the host name of {@code PG_URL} against it.</li>
 * </ul>
 * Anything else, or a root certificate that cannot be read, stops the start with the reason. A server
 * that refuses the connection, or a certificate that does not verify, makes the start fail on the
 * migrations (nothing is served from a database the service cannot trust); later, a request answers 503.
 * <p>
 * A {@link ConfigSourceFactory} rather than lines of {@code application.properties}: one setting has to
 * become several driver properties, some only in some modes (Quarkus' {@code trust-all} for
 * {@code require} without a root certificate, a host name check only for {@code verify-full}). An
 * operator may still set any {@code quarkus.datasource.*} property itself: its environment outranks
 * this source.
 */
public class DatabaseTls implements ConfigSourceFactory {

    static final List<String> MODES = List.of("disable", "require", "verify-full");
    /** Below the environment (300) and system properties (400), so that an explicit setting wins. */
    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return List.of(new PropertiesConfigSource(properties(value(context, "pg.sslmode"),
                value(context, "pg.ssl-root-cert")), "scenecache PG_SSLMODE", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null ? "" : value.getValue().trim();
    }

    /** The driver properties for {@code PG_SSLMODE} and {@code PG_SSL_ROOT_CERT} (empty when unset). */
    static Map<String, String> properties(String sslMode, String rootCert) {
        String mode = sslMode.isEmpty() ? "disable" : sslMode.toLowerCase(Locale.ROOT);
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("PG_SSLMODE must be one of " + String.join(", ", MODES) + ", not " + sslMode);
        }
        if (!rootCert.isEmpty() && !Files.isReadable(Path.of(rootCert))) {
            throw new IllegalArgumentException("PG_SSL_ROOT_CERT cannot be read: " + rootCert);
        }
        if (!rootCert.isEmpty() && mode.equals("disable")) {
            throw new IllegalArgumentException(
                    "PG_SSL_ROOT_CERT is set but PG_SSLMODE is disable: the connection would not be encrypted");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.datasource.reactive.postgresql.ssl-mode", mode);
        p.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", mode);
        if (mode.equals("disable")) {
            return p;
        }
        if (!rootCert.isEmpty()) {
            p.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
            p.put("quarkus.datasource.reactive.trust-certificate-pem.certs", rootCert);
            p.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslrootcert", rootCert);
            if (mode.equals("require")) {
                // pgjdbc's require checks nothing: verify-ca is what libpq does with a root certificate.
                p.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", "verify-ca");
            }
        } else if (mode.equals("require")) {
            p.put("quarkus.datasource.reactive.trust-all", "true");
        } else {
            // verify-full with the JVM's trusted CAs (pgjdbc would look for ~/.postgresql/root.crt).
            p.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
        }
        if (mode.equals("verify-full")) {
            p.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
        }
        return p;
    }
}
