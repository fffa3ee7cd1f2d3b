package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TlsEnginesTest {

    private final Destinations destinations = new Destinations(10);

    private ConnectionRecord record(Role role) {
        return new ConnectionRecord(1, role, "channel", destinations.of(role, "h", 1), 0L);
    }

    /** A TLS 1.3-style ClientHello head: record header, handshake header, legacy version, then the random. */
    static byte[] clientHello(int seed) {
        byte[] b = new byte[64];
        b[0] = 22;
        b[1] = 3;
        b[2] = 1;
        b[5] = 1;
        b[9] = 3;
        b[10] = 3;
        for (int i = 11; i < 43; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @Test
    void readsTheSameIdFromBytesAndFromABufferAndRejectsOtherRecords() {
        byte[] hello = clientHello(7);
        ByteBuffer buffer = ByteBuffer.allocate(100);
        buffer.position(20);
        buffer.put(hello);
        assertThat(ClientHelloId.of(buffer, 20, hello.length)).isEqualTo(ClientHelloId.of(hello, 0, hello.length));
        assertThat(ClientHelloId.of(clientHello(8), 0, 64)).isNotEqualTo(ClientHelloId.of(hello, 0, 64));

        byte[] serverHello = clientHello(7);
        serverHello[5] = 2;
        assertThat(ClientHelloId.of(serverHello, 0, 64)).isNull();
        byte[] appData = clientHello(7);
        appData[0] = 23;
        assertThat(ClientHelloId.of(appData, 0, 64)).isNull();
        assertThat(ClientHelloId.of(hello, 0, ClientHelloId.MIN_BYTES - 1)).isNull();
        assertThat(ClientHelloId.of("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(), 0, 27)).isNull();
        assertThat(ClientHelloId.of(buffer, 90, 27)).as("past the limit").isNull();
    }

    @Test
    void pairsAnEngineWithTheConnectionAtTheSameEndOnly() {
        TlsEngines engines = new TlsEngines();
        ClientHelloId id = ClientHelloId.of(clientHello(1), 0, 64);
        Object clientEngine = new Object();
        ConnectionRecord client = record(Role.CLIENT);
        ConnectionRecord server = record(Role.SERVER);

        // Both ends in one JVM: the client engine wraps, then the server's channel may read before the client's
        // write hook has run. The server's connection must wait for the server's engine.
        assertThat(engines.pair(id, true, new TlsEngines.Side(clientEngine, null, 10, 100))).isNull();
        assertThat(engines.pair(id, false, new TlsEngines.Side(null, server, 20, 200))).isNull();
        TlsEngines.Side forClient = engines.pair(id, true, new TlsEngines.Side(null, client, 30, 300));
        assertThat(forClient.engine.get()).isSameAs(clientEngine);
        assertThat(forClient.startNanos).isEqualTo(10);
        Object serverEngine = new Object();
        TlsEngines.Side forServer = engines.pair(id, false, new TlsEngines.Side(serverEngine, null, 40, 400));
        assertThat(forServer.record).isSameAs(server);
        assertThat(forServer.startNanos).isEqualTo(20);
        assertThat(server.tls().clientHello).isNull();
    }

    @Test
    void twoSidesOfTheSameKindDoNotPair() {
        TlsEngines engines = new TlsEngines();
        ClientHelloId id = ClientHelloId.of(clientHello(2), 0, 64);
        assertThat(engines.pair(id, true, new TlsEngines.Side(null, record(Role.CLIENT), 1, 1))).isNull();
        assertThat(engines.pair(id, true, new TlsEngines.Side(null, record(Role.CLIENT), 2, 2))).isNull();
    }

    @Test
    void aConnectionThatEndsStopsWaitingAndTooManyWaitingAreDroppedAndCounted() {
        TlsEngines engines = new TlsEngines();
        ConnectionRecord ended = record(Role.CLIENT);
        ClientHelloId id = ClientHelloId.of(clientHello(3), 0, 64);
        engines.pair(id, true, new TlsEngines.Side(null, ended, 1, 1));
        TlsFacts.of(ended).clientHello = id;
        engines.forget(ended);
        assertThat(ended.tls().clientHello).isNull();
        Object engine = new Object();
        assertThat(engines.pair(id, true, new TlsEngines.Side(engine, null, 2, 2))).as("nothing waits any more").isNull();

        for (int i = 0; i < 1100; i++) {
            byte[] hello = clientHello(1000 + i);
            hello[11] = (byte) i;
            hello[12] = (byte) (i >> 8);
            engines.pair(ClientHelloId.of(hello, 0, 64), false, new TlsEngines.Side(null, record(Role.SERVER), i, i));
        }
        assertThat(engines.dropped()).isEqualTo(1100 - 1024);
    }
}
