package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void resetsAreRecognisedByTheJdkMessages() {
        assertThat(Errno.isReset(new SocketException("Connection reset"))).isTrue();
        assertThat(Errno.isReset(new SocketException("Connection reset by peer (Write failed)"))).isTrue();
        assertThat(Errno.isReset(new IOException("Broken pipe"))).isTrue();
        assertThat(Errno.isReset(new SocketException("Socket closed"))).isFalse();
        assertThat(Errno.isReset(new java.net.SocketTimeoutException("Read timed out"))).isFalse();
        assertThat(Errno.isReset(new IllegalStateException("Connection reset"))).isFalse();
        assertThat(Errno.isReset(new IOException((String) null))).isFalse();
    }

    @Test
    void tlsVersionsFollowTheSemanticConvention() {
        assertThat(TlsInfo.protocolVersion("TLSv1.3")).isEqualTo("1.3");
        assertThat(TlsInfo.protocolVersion("TLSv1.2")).isEqualTo("1.2");
        assertThat(TlsInfo.protocolVersion("NONE")).isEqualTo("NONE");
        assertThat(TlsInfo.protocolVersion(null)).isNull();
    }

    @Test
    void aSessionIsResumedOnlyWhenMadeBeforeTheHandshakeAtTheClocksGrain() {
        long start = 1_700_000_123_456L;
        // the JDK: milliseconds
        assertThat(EngineTls.createdBefore(start - 1, start)).isTrue();
        assertThat(EngineTls.createdBefore(start + 3, start)).isFalse();
        // OpenSSL and BoringSSL: whole seconds. A new session, made during the handshake, is in the same second.
        assertThat(EngineTls.createdBefore(1_700_000_123_000L, start)).isFalse();
        assertThat(EngineTls.createdBefore(1_700_000_122_000L, start)).isTrue();
    }
}
