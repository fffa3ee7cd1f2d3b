package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.testsupport.LoopbackTls;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * ServerHellos made by the JDK's own TLS 1.3 server, in memory: a first handshake, then one that
 * resumes its session. The JDK's client session, whose creation time a resumption keeps, is the truth.
 */
class ServerHelloTest {

    @Test
    void aTls13ServerHelloSaysWhetherItResumed() throws Exception {
        SSLContext tls = context("TLSv1.3");
        Handshake first = handshake(tls);
        Handshake second = handshake(tls);
        assertThat(second.clientSession.getCreationTime()).as("the JDK resumed the session")
            .isEqualTo(first.clientSession.getCreationTime());
        assertThat(ServerHello.of(first.serverHello, 0, first.serverHello.limit())).isEqualTo(ServerHello.Resumption.NEW);
        assertThat(ServerHello.of(second.serverHello, 0, second.serverHello.limit()))
            .isEqualTo(ServerHello.Resumption.RESUMED);
        // Cut short anywhere, it says nothing.
        for (int n = 0; n < second.serverHello.limit() && second.serverHello.get(0) == 22; n += 7) {
            int recordEnd = 5 + (((second.serverHello.get(3) & 0xff) << 8) | (second.serverHello.get(4) & 0xff));
            if (n < recordEnd) {
                assertThat(ServerHello.of(second.serverHello, 0, n)).as("%d bytes", n).isEqualTo(ServerHello.Resumption.UNKNOWN);
            }
        }
    }

    @Test
    void tls12AndOtherBytesSayNothing() throws Exception {
        Handshake tls12 = handshake(context("TLSv1.2"));
        assertThat(ServerHello.of(tls12.serverHello, 0, tls12.serverHello.limit())).isEqualTo(ServerHello.Resumption.UNKNOWN);
        ByteBuffer http = ByteBuffer.wrap("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n0123456789".getBytes());
        assertThat(ServerHello.of(http, 0, http.limit())).isEqualTo(ServerHello.Resumption.UNKNOWN);
    }

    /** The first record the server wrapped (its ServerHello), and the client's session. */
    private static final class Handshake {
        ByteBuffer serverHello;
        SSLSession clientSession;
    }

    private static Handshake handshake(SSLContext tls) throws Exception {
        SSLEngine client = tls.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        SSLEngine server = tls.createSSLEngine();
        server.setUseClientMode(false);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        ByteBuffer plain = ByteBuffer.allocate(1 << 16);
        ByteBuffer empty = ByteBuffer.allocate(0);
        Handshake h = new Handshake();
        client.beginHandshake();
        server.beginHandshake();
        // Until both are done, and the client has read the server's session ticket (sent after its Finished).
        for (int round = 0; round < 50; round++) {
            step(client, empty, toServer, plain);
            toServer.flip();
            step(server, toServer, null, plain);
            toServer.compact();
            int before = toClient.position();
            step(server, empty, toClient, plain);
            if (h.serverHello == null && toClient.position() > before) {
                h.serverHello = ByteBuffer.wrap(java.util.Arrays.copyOfRange(toClient.array(), before, toClient.position()));
            }
            toClient.flip();
            step(client, toClient, null, plain);
            toClient.compact();
            if (round > 5 && done(client) && done(server) && toClient.position() == 0 && toServer.position() == 0) {
                break;
            }
        }
        h.clientSession = client.getSession();
        return h;
    }

    private static boolean done(SSLEngine e) {
        return e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    /** One wrap (when {@code out} is given) or unwraps of all that {@code in} holds, running delegated tasks. */
    private static void step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer plain) throws Exception {
        if (out != null) {
            e.wrap(in, out);
        } else {
            while (in.hasRemaining()) {
                SSLEngineResult r = e.unwrap(in, plain);
                plain.clear();
                runTasks(e);
                if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                    break;
                }
            }
        }
        runTasks(e);
    }

    private static void runTasks(SSLEngine e) {
        for (Runnable task; (task = e.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    /** The loopback key for localhost, trusted by the same context, for one protocol version. */
    private static SSLContext context(String protocol) throws Exception {
        SSLContext tls = SSLContext.getInstance(protocol);
        tls.init(LoopbackTls.keyManagers().getKeyManagers(), LoopbackTls.trustManagers().getTrustManagers(), null);
        return tls;
    }
}
