package dev.scenecache.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisOptions;

class RedisConnectionsTest {

    @TempDir
    Path dir;

    private static RedisConnections connections(List<String> hosts, String user, String password, Path ca, Path cert,
            Path key) {
        return new RedisConnections(hosts.stream().map(URI::create).toList(), Optional.ofNullable(user),
                Optional.ofNullable(password), Optional.ofNullable(ca), Optional.ofNullable(cert), Optional.ofNullable(key),
                true);
    }

    @Test
    void shouldNameTheUserOnlyOnAddressesThatNameNone() {
        RedisConnections connections = connections(List.of("redis://127.0.0.1:6379"), "scenecache", "pw", null, null, null);
        assertThat(connections.endpoint("redis://10.0.0.1:6379")).isEqualTo("redis://10.0.0.1:6379?user=scenecache");
        assertThat(connections.endpoint("redis://:secret@10.0.0.1:6379"))
                .isEqualTo("redis://:secret@10.0.0.1:6379?user=scenecache");
        assertThat(connections.endpoint("redis://10.0.0.1:6379/0?client=x"))
                .isEqualTo("redis://10.0.0.1:6379/0?client=x&user=scenecache");
        assertThat(connections.endpoint("redis://other:secret@10.0.0.1:6379")).isEqualTo("redis://other:secret@10.0.0.1:6379");
        assertThat(connections.endpoint("redis://10.0.0.1:6379?user=other")).isEqualTo("redis://10.0.0.1:6379?user=other");
        RedisOptions options = connections.options("redis://10.0.0.1:6379");
        assertThat(options.getPassword()).isEqualTo("pw");
        assertThat(options.getNetClientOptions().isSsl()).isFalse();
    }

    @Test
    void shouldApplyTlsToEveryClientOfARedissDeployment() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path key = Files.writeString(dir.resolve("c.key"), "x");
        RedisConnections connections = connections(List.of("rediss://a:6379", "rediss://b:6379"), null, null, ca, cert, key);
        RedisOptions node = connections.options("rediss://10.0.0.7:6379");
        assertThat(node.getNetClientOptions().isSsl()).isTrue();
        assertThat(node.getNetClientOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(((PemTrustOptions) node.getNetClientOptions().getTrustOptions()).getCertPaths())
                .containsExactly(ca.toString());
        assertThat(node.getNetClientOptions().getKeyCertOptions()).isNotNull();
        RedisOptions main = new RedisOptions().setEndpoints(new java.util.ArrayList<>(List.of("rediss://a:6379")));
        connections.customize("<default>", main);
        assertThat(main.getNetClientOptions().isSsl()).isTrue();
    }

    @Test
    void shouldRefuseSettingsThatCannotWork() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        assertThatThrownBy(() -> connections(List.of("redis://a:6379"), null, null, ca, null, null))
                .hasMessageContaining("not rediss://");
        assertThatThrownBy(() -> connections(List.of("rediss://a:6379", "redis://b:6379"), null, null, null, null, null))
                .hasMessageContaining("every Redis address is rediss://");
        assertThatThrownBy(() -> connections(List.of("rediss://a:6379"), null, null, null, ca, null))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> connections(List.of("rediss://a:6379"), null, null, dir.resolve("missing.pem"), null, null))
                .hasMessageContaining("REDIS_TLS_CA_FILE cannot be read");
        assertThatThrownBy(() -> connections(List.of("redis://a:6379"), "two words", null, null, null, null))
                .hasMessageContaining("REDIS_USER");
    }
}
