package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.resp.RespProtocol;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireExchange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The choice of a connection's analysis by its first bytes: the registered protocol that claims them
 * gets them all, however they were split, and HTTP gets everything else, as before there was a choice.
 */
class WireAnalysisTest {

    private final List<String> out = new ArrayList<>();
    private final WireAnalysis analysis = analysis(out, (c, e) -> e.protocol() + " " + e.operation() + " " + e.failure());
    private final Destinations destinations = new Destinations(10);
    private final Object key = new Object();
    private final ConnectionRecord r = new ConnectionRecord(1, Role.CLIENT, "socket",
        destinations.of(Role.CLIENT, "redis", 6379), 1L);

    /** The analysis with RESP registered, whose exchanges go to {@code into} as the lines {@code line} makes. */
    private static WireAnalysis analysis(List<String> into, BiFunction<ConnectionRecord, WireExchange, String> line) {
        FinishedSink sink = new FinishedSink() {
            @Override
            public void connection(ConnectionRecord connection) {
            }

            @Override
            public void exchange(ConnectionRecord connection, WireExchange e) {
                into.add(line.apply(connection, e));
            }
        };
        return new WireAnalysis(sink, new ResendDetector(10, 1_000_000_000L), null, AnalysisMemory.unlimited(),
            List.of(new RespProtocol()));
    }

    /** Feeds the bytes a few at a time, alternately from an array and from a buffer. */
    private void feed(boolean requests, String s, int piece) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        for (int at = 0, i = 0; at < b.length; at += piece, i++) {
            int n = Math.min(piece, b.length - at);
            analysis.feed(r, requests, i % 2 == 0 ? b : ByteBuffer.wrap(b), at, n, System.nanoTime());
        }
    }

    @Test
    void aConnectionWhoseClientStartsWithACommandArrayIsFollowedAsResp() {
        analysis.start(r, key);
        feed(true, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 1);
        feed(false, "$1\r\nv\r\n", 1);
        assertThat(out).containsExactly("resp GET null");
        assertThat(r.http()).as("its HTTP analysis is let go").isNull();
        assertThat(r.wire().done()).isFalse();
    }

    @Test
    void aReplyReadBeforeItsCommandWasSeenWaitsForTheCommandToTell() {
        analysis.start(r, key);
        feed(false, "+OK\r\n", 2);
        assertThat(r.http()).as("not told yet").isNotNull();
        feed(true, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", 3);
        assertThat(out).containsExactly("resp SET null");
    }

    /**
     * The command written on one thread while its reply is read on another, both the connection's
     * first bytes: whichever side comes first, the two are judged together and fed once, in order.
     */
    @Test
    void bothSidesFirstBytesOnTwoThreadsAtOnceMakeOneExchange() throws Exception {
        byte[] command = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] reply = "$1\r\nv\r\n".getBytes(StandardCharsets.ISO_8859_1);
        List<String> exchanges = Collections.synchronizedList(new ArrayList<>());
        WireAnalysis shared = analysis(exchanges, (c, e) -> c.id() + " " + e.protocol() + " " + e.operation());
        int runs = 2000;
        CyclicBarrier together = new CyclicBarrier(2);
        ConnectionRecord[] records = new ConnectionRecord[runs];
        for (int i = 0; i < runs; i++) {
            records[i] = new ConnectionRecord(i, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "redis", 6379), 1L);
            shared.start(records[i], new Object());
        }
        Thread replies = new Thread(() -> {
            for (ConnectionRecord c : records) {
                await(together);
                for (int at = 0; at < reply.length; at += 2) {
                    shared.feed(c, false, reply, at, Math.min(2, reply.length - at), System.nanoTime());
                }
            }
        });
        replies.start();
        for (ConnectionRecord c : records) {
            await(together);
            for (int at = 0; at < command.length; at += 3) {
                shared.feed(c, true, command, at, Math.min(3, command.length - at), System.nanoTime());
            }
        }
        replies.join();
        assertThat(exchanges).hasSize(runs).allSatisfy(e -> assertThat(e).endsWith(" resp GET"));
        assertThat(exchanges.stream().map(e -> e.split(" ")[0]).distinct()).hasSize(runs);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFirstReplyLongerThanCanBeKeptIsTakenForResp() {
        analysis.start(r, key);
        feed(false, "$20\r\n01234567890123456789\r\n", 27);
        assertThat(r.http()).as("told by the reply alone").isNull();
        feed(true, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 5);
        assertThat(out).containsExactly("resp GET null");
    }

    @Test
    void aConnectionAdoptedAfterAnAttachStaysHttps() {
        r.seenSinceAttach = true;
        analysis.start(r, key);
        feed(true, "*1\r\n$4\r\nPING\r\n", 100);
        assertThat(r.http()).isNotNull();
        assertThat(out).isEmpty();
    }

    @Test
    void everythingElseIsFollowedAsHttpAsBefore() {
        analysis.start(r, key);
        feed(true, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1);
        feed(false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 3);
        assertThat(out).containsExactly("http GET null");
        assertThat(r.http().requests()).isEqualTo(1);
    }

    @Test
    void aPlainConnectionLooksForAClientHelloOnceAndHoldsNoTlsFacts() {
        analysis.start(r, key);
        WireBytesFeed bytes = new WireBytesFeed(analysis, new EngineTls(new ConnectionRegistry(10), analysis));
        byte[] request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        bytes.bytes(r, key, true, request, 0, request.length, 1L);
        assertThat(r.firstRequestBytesSeen).isTrue();
        assertThat(r.tls).as("made by the first TLS event only").isNull();
        assertThat(r.tls().plaintext).isFalse();
        assertThat(r.http().requests()).isEqualTo(1);
    }

    @Test
    void aCommandLeftWithoutItsReplyEndsWithTheConnection() {
        analysis.start(r, key);
        feed(true, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 40);
        analysis.end(r);
        assertThat(out).containsExactly("resp GET no_reply");
    }

    /** Both sides' bytes, kept while they could not tell, go to the HTTP analysis when the connection ends. */
    @Test
    void bytesKeptWhileUndecidedAreNotLostWhenTheConnectionEnds() {
        analysis.start(r, key);
        byte[] command = "*1\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] reply = "+OK".getBytes(StandardCharsets.ISO_8859_1);
        analysis.feed(r, true, command, 0, command.length, System.nanoTime());
        analysis.feed(r, false, reply, 0, reply.length, System.nanoTime());
        assertThat(r.sniffer).as("these bytes cannot tell").isNotNull();
        assertThat(r.http().done()).as("HTTP has seen none of them").isFalse();
        analysis.end(r);
        assertThat(r.sniffer).isNull();
        assertThat(r.http().done()).as("HTTP got both sides' bytes, and saw that neither is HTTP").isTrue();
    }

    /** An HTTP exchange as a sink that knows no protocol sees it: its method, status, and a 5xx as its error. */
    @Test
    void anHttpExchangeTellsWhatEveryProtocolTells() {
        List<String> seen = new ArrayList<>();
        WireAnalysis plain = analysis(seen, (c, e) -> e.protocol() + " " + e.operation() + " #" + e.index() + " "
            + e.errorType() + " " + e.attributes());
        plain.start(r, key);
        byte[] request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] response = "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        plain.feed(r, true, request, 0, request.length, System.nanoTime());
        plain.feed(r, false, response, 0, response.length, System.nanoTime());
        assertThat(seen).containsExactly("http GET #1 503 {http.request.method=GET, http.response.status_code=503}");
    }

    @Test
    void startingOverTellsTheProtocolAgainFromTheNextBytes() {
        analysis.start(r, key);
        feed(true, "GET / HTTP/1.1\r\n\r\n", 100);
        analysis.start(r, key); // e.g. the plaintext under TLS, once the ClientHello was seen
        feed(true, "*1\r\n$4\r\nPING\r\n", 2);
        feed(false, "+PONG\r\n", 2);
        assertThat(out).containsExactly("resp PING null");
    }

    /**
     * java.net.http reads on one thread and writes on another: a read of the server's first TLS records
     * that passed its "is this plaintext already?" check just before the ClientHello's write switched the
     * connection to its SSLEngine's plaintext must not reach the analysis made for that plaintext. Once
     * it did (a CI flake): the response side took the ciphertext for "not HTTP", missed the 101, and the
     * client's WebSocket frames then stopped the analysis as a malformed request line.
     */
    @Test
    void ciphertextReadRacingTheSwitchToPlaintextIsNotAnalysed() {
        analysis.start(r, key);
        WireBytesFeed bytes = new WireBytesFeed(analysis, new EngineTls(new ConnectionRegistry(10), analysis));
        byte[] hello = TlsEnginesTest.clientHello(7);
        bytes.bytes(r, key, true, hello, 0, hello.length, 1L);
        assertThat(r.tls().plaintext).isTrue();
        byte[] serverRecords = TlsEnginesTest.clientHello(8);
        serverRecords[5] = 2; // a ServerHello: what the racing read hands on after its check
        bytes.bytes(r, key, false, serverRecords, 0, serverRecords.length, 2L);
        byte[] get = "GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
        byte[] switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
        analysis.feed(r, true, get, 0, get.length, 3L);
        analysis.feed(r, false, switching, 0, switching.length, 4L);
        assertThat(r.http().responses()).isEqualTo(1);
        assertThat(r.http().stopped()).isNull();
    }
}
