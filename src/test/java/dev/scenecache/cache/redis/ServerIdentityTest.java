package dev.scenecache.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerIdentityTest {

    private static final String MASTER = "# Server\r\nredis_version:7.0.15\r\nrun_id:9a1b2c3d4e5f60718293a4b5c6d7e8f901234567\r\n"
            + "tcp_port:6379\r\n# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"
            + "master_replid:aaaa000000000000000000000000000000000001\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n";
    private static final String PROMOTED = "run_id:77777777e5f60718293a4b5c6d7e8f901234567\r\nrole:master\r\n"
            + "master_replid:bbbb000000000000000000000000000000000002\r\nmaster_replid2:aaaa000000000000000000000000000000000001\r\n";

    @Test
    void shouldReadTheProcessItsHistoryAndItsRole() {
        ServerIdentity master = ServerIdentity.parse(MASTER);
        assertThat(master.runId()).isEqualTo("9a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
        assertThat(master.master()).isTrue();
        assertThat(master.signature()).isEqualTo("redis:9a1b2c3d4e5f60718293a4b5c6d7e8f901234567:"
                + "aaaa000000000000000000000000000000000001");
        assertThat(ServerIdentity.parse(MASTER.replace("role:master", "role:slave")).master()).isFalse();
    }

    @Test
    void shouldTellAPromotedReplicaOfTheTrustedHistoryFromAnotherServer() {
        ServerIdentity master = ServerIdentity.parse(MASTER);
        assertThat(ServerIdentity.parse(PROMOTED).promotedFrom(master)).isTrue();
        assertThat(ServerIdentity.parse(MASTER.replace("9a1b2c3d", "00000000")).promotedFrom(master)).isFalse();
        assertThat(ServerIdentity.parse(PROMOTED).signature()).isNotEqualTo(master.signature());
    }
}
