package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.diagnose.AbortiveCloseRule;
import io.connscope.agent.diagnose.ResponseNotConsumedRule;
import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.TruncatedBodyRule;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireExchange;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A response whose body the client left unread, told from one the server cut short, on real loopback
 * sockets: what waits unread in the kernel is what the client did not read. The analysis is fed the
 * bytes the client's library would have read (the head and the body's first bytes).
 */
class ResponseLeftUnreadTest {

    private static final long MS = 1_000_000L;
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";

    private final ConnectionRegistry registry = new ConnectionRegistry(10);
    private final Destinations destinations = new Destinations(10);
    private final List<HttpExchange> exchanges = new ArrayList<>();
    private final List<ConnectionRecord> connections = new ArrayList<>();
    private final FinishedSink sink = new FinishedSink() {
        @Override
        public void connection(ConnectionRecord connection) {
            connections.add(connection);
        }

        @Override
        public void exchange(ConnectionRecord connection, WireExchange exchange) {
            exchanges.add((HttpExchange) exchange);
        }
    };
    private final WireAnalysis http = new WireAnalysis(sink, new ResendDetector(10, 1_000 * MS), null,
        AnalysisMemory.unlimited(), List.of());
    private final ConnectionEndings endings = new ConnectionEndings(registry, http, new EngineTls(registry, http), sink);
    private final List<AutoCloseable> sockets = new ArrayList<>();
    private long ids;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable s : sockets) {
            s.close();
        }
    }

    /** A client socket whose server sent {@code sent} bytes of body after the head; the analysis saw {@code read} of them. */
    private ConnectionRecord exchange(Socket client, Socket server, int sent, int read) throws Exception {
        return exchange(client, server, sent, read, 0L);
    }

    /** The same, as if connected and last read {@code idleNanos} ago. */
    private ConnectionRecord exchange(Socket client, Socket server, int sent, int read, long idleNanos) throws Exception {
        ConnectionRecord r = new ConnectionRecord(++ids, Role.CLIENT, "socket",
            destinations.of(Role.CLIENT, "api", 80), System.nanoTime() - idleNanos);
        r.connectEndNanos = System.nanoTime() - idleNanos;
        r.events.add(ConnectionEvent.CONNECT);
        ConnectionOpenings.opened(r);
        registry.register(client, r);
        r.wire = new HttpConnection(e -> sink.exchange(r, e), AnalysisMemory.unlimited().lease());
        byte[] request = "GET /big HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        r.wire.feed(true, request, 0, request.length);
        OutputStream out = server.getOutputStream();
        out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[sent]);
        out.flush();
        byte[] head = (HEAD + "x".repeat(read)).getBytes(StandardCharsets.US_ASCII);
        InputStream in = client.getInputStream();
        int got = in.readNBytes(head.length).length;
        assertThat(got).isEqualTo(head.length);
        r.wire.feed(false, head, 0, head.length);
        r.lastReadNanos = System.nanoTime() - idleNanos;
        awaitAvailable(client, sent - read);
        return r;
    }

    @Test
    void aDownloadStillReadingAtExitIsNotOneLeftUnread() throws Exception {
        Socket[] s = pair();
        ConnectionRecord r = exchange(s[0], s[1], 500, 100); // its last read just now: bytes queued between two reads
        endings.endAllOpen(System.nanoTime());
        HttpExchange e = settle();

        assertThat(e.failure()).isEqualTo("truncated_response");
        assertThat(new TruncatedBodyRule().check(r, e).evidence).contains("was cut short by the JVM's exit, the connection"
            + " still open: received 100 of 100000 bytes.");
    }

    @Test
    void aSocketCollectedAfterAReadTimedOutWasTheServersStall() {
        ConnectionRecord r = collectedMidBody(true);
        assertThat(exchanges.get(0).failure()).isEqualTo("truncated_response");
        assertThat(new TruncatedBodyRule().check(r, exchanges.get(0)).evidence)
            .contains("cut short as its socket was garbage-collected, never closed");
    }

    @Test
    void anEndOfStreamReadFirstMakesItTheServersCutEvenWhenCollected() {
        ConnectionRecord r = new ConnectionRecord(1, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 80), MS);
        r.connectEndNanos = MS;
        r.wire = new HttpConnection(e -> sink.exchange(r, e), AnalysisMemory.unlimited().lease());
        feedMidBody(r);
        r.events.add(ConnectionEvent.EOF);
        r.events.add(ConnectionEvent.LINGER_ZERO_CLOSE); // Apache's close after the server's end: SO_LINGER 0
        r.events.add(ConnectionEvent.CLOSE);
        r.unreadAtEnd = 40;
        r.finish(2 * MS);
        http.end(r);
        assertThat(exchanges.get(0).failure()).isEqualTo("truncated_response");
        assertThat(new TruncatedBodyRule().check(r, exchanges.get(0)).evidence)
            .contains("cut short by the peer's close of the connection (its end of stream was read)");
    }

    private static void feedMidBody(ConnectionRecord r) {
        byte[] request = "GET /big HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n".getBytes(StandardCharsets.US_ASCII);
        r.wire.feed(true, request, 0, request.length);
        r.wire.feed(false, head, 0, head.length);
    }

    /** A connection whose socket was collected while its chunked body was in flight; after a failed read, or not. */
    private ConnectionRecord collectedMidBody(boolean readTimedOut) {
        ConnectionRecord r = new ConnectionRecord(1, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 80), MS);
        r.connectEndNanos = MS;
        r.wire = new HttpConnection(e -> sink.exchange(r, e), AnalysisMemory.unlimited().lease());
        feedMidBody(r);
        if (readTimedOut) {
            r.http().readFailed();
        }
        r.events.add(ConnectionEvent.COLLECTED);
        r.finish(2 * MS);
        http.end(r);
        assertThat(exchanges).hasSize(1);
        return r;
    }

    private static void awaitAvailable(Socket s, int bytes) throws Exception {
        long deadline = System.nanoTime() + 5_000 * MS;
        while (s.getInputStream().available() < bytes && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private Socket[] pair() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
            Socket server = listener.accept();
            sockets.add(client);
            sockets.add(server);
            return new Socket[] {client, server};
        }
    }

    private HttpExchange settle() {
        endings.settle(System.nanoTime(), true);
        assertThat(exchanges).hasSize(1);
        return exchanges.get(0);
    }

    @Test
    void aClientThatClosesWithTheBodyUnreadLeftItUnread() throws Exception {
        Socket[] s = pair();
        ConnectionRecord r = exchange(s[0], s[1], 3000, 100);
        endings.closing(s[0]);
        s[0].close();
        HttpExchange e = settle();

        assertThat(e.failure()).isEqualTo(HttpExchange.LEFT_UNREAD);
        assertThat(r.unreadAtEnd()).isEqualTo(2900);
        Warning w = new ResponseNotConsumedRule().check(r, e);
        assertThat(w.severity).isEqualTo(Severity.WARN);
        assertThat(w.evidence).contains("(status 200) was not read to its end: 100 of 100000 body bytes read.")
            .contains("Then the application closed the connection ").contains("with 2900 byte(s) still unread, so the stack"
                + " reset it. No request used it again, and no new connection to api:80 opened meanwhile.");
        assertThat(new TruncatedBodyRule().check(r, e)).isNull();
        Warning abortive = new AbortiveCloseRule().check(r);
        assertThat(abortive.severity).as("the reset is the unread response's, which the other rule tells").isEqualTo(Severity.INFO);
    }

    @Test
    void aConnectionOpenAtExitWithInputWaitingLeftItUnreadAndCountsTheConnectionsOpenedMeanwhile() throws Exception {
        Socket[] s = pair();
        ConnectionRecord r = exchange(s[0], s[1], 500, 0, 2_000 * MS);
        for (int i = 0; i < 3; i++) {
            ConnectionRecord later = new ConnectionRecord(10L + i, Role.CLIENT, "socket", r.destination, System.nanoTime());
            later.connectEndNanos = System.nanoTime();
            ConnectionOpenings.opened(later);
        }
        long now = System.nanoTime();
        r.destination.stats.poolWaits.add(now, 1000 * MS, PoolWaits.POOL_TIMEOUT);
        r.destination.stats.poolWaits.add(now, 30 * MS, null);
        r.destination.stats.poolWaits.add(now, 3 * MS, null); // a free connection, or Apache's stale check: no wait
        r.destination.stats.poolWaits.add(r.lastActivityNanos() - 1, 50 * MS, null); // before it sat unused: not counted
        endings.endAllOpen(System.nanoTime());
        HttpExchange e = settle();

        assertThat(r.classification()).isEqualTo(CloseClassification.OPEN_AT_EXIT);
        assertThat(e.failure()).isEqualTo(HttpExchange.LEFT_UNREAD);
        assertThat(new ResponseNotConsumedRule().check(r, e).evidence)
            .contains("0 of 100000 body bytes read. The connection then sat unused for ")
            .contains("until the JVM exited or connscope detached, with 500 byte(s) waiting unread. It was never used again, while 3 new"
                + " connection(s) to api:80 opened; meanwhile 2 lease(s) of a connection to api:80 from an Apache HttpClient"
                + " pool took 20 ms or more, 1030 ms in all, 1 of them ending in the pool's timeout"
                + " (ConnectionRequestTimeoutException).");
    }

    @Test
    void aBodyTheServerStoppedSendingIsNotOneLeftUnread() throws Exception {
        Socket[] s = pair();
        ConnectionRecord r = exchange(s[0], s[1], 100, 100); // all that came was read; the rest never came
        endings.closing(s[0]);
        HttpExchange e = settle();

        assertThat(e.failure()).isEqualTo("truncated_response");
        assertThat(new ResponseNotConsumedRule().check(r, e)).isNull();
        assertThat(new TruncatedBodyRule().check(r, e).evidence).contains("was cut short by this side's close of the"
            + " connection, with no end of stream read first: received 100 of 100000 bytes.");
    }

    @Test
    void aSocketCollectedMidBodyLeftItUnread() {
        ConnectionRecord r = collectedMidBody(false);
        assertThat(exchanges.get(0).failure()).isEqualTo(HttpExchange.LEFT_UNREAD);
        assertThat(new ResponseNotConsumedRule().check(r, exchanges.get(0)).evidence)
            .contains("5 bytes of a chunked body read, and not its end. Then the connection was dropped, never closed: its"
                + " socket was found garbage-collected 1 ms after its last I/O.");
    }

    @Test
    void connectsAndLeasesTheRingsLetGoOfAreSaidToBeUnknownNotNone() {
        ConnectionRecord r = collectedMidBody(false);
        for (int i = 1; i <= RecentConnects.SIZE + 1; i++) { // all after its end, as a churning client goes on
            r.destination.stats.recentConnects.add(r.endNanos + i);
            r.destination.stats.poolWaits.add(r.endNanos + i, 30 * MS, null);
        }
        assertThat(new ResponseNotConsumedRule().check(r, exchanges.get(0)).evidence).contains("It was never used again;"
            + " how many new connections to api:80 opened meanwhile is not known (more opened since than the 64 connscope"
            + " keeps the times of); slow leases from a pool meanwhile, if any, are not known (more came since than"
            + " connscope keeps).");
    }

    @Test
    void theRingOfRecentConnectsSaysWhenItForgot() {
        RecentConnects recent = new RecentConnects();
        for (int i = 1; i <= RecentConnects.SIZE + 6; i++) {
            recent.add(i * MS);
        }
        assertThat(recent.between(10 * MS, 20 * MS)).isEqualTo(10);
        assertThat(recent.keptSince(10 * MS)).isTrue();
        assertThat(recent.between(0, 100 * MS)).isEqualTo(RecentConnects.SIZE);
        assertThat(recent.keptSince(0)).as("the first 6 were let go of").isFalse();
        assertThat(recent.between(80 * MS, 100 * MS)).isZero();
        for (int i = 0; i < RecentConnects.SIZE; i++) {
            recent.add(200 * MS + i);
        }
        assertThat(recent.between(100 * MS, 150 * MS)).as("every time kept is later").isZero();
        assertThat(recent.keptSince(100 * MS)).as("so none after may be known: not a true zero").isFalse();
    }

    @Test
    void theRingOfSlowLeasesCountsOnlyTheLongOnesAndTheTimeoutsOfThePool() {
        PoolWaits waits = new PoolWaits();
        waits.add(10 * MS, 5 * MS, null);
        waits.add(20 * MS, 25 * MS, "java.lang.IllegalStateException");
        waits.add(30 * MS, 1000 * MS, PoolWaits.POOL_TIMEOUT);
        PoolWaits.Summary s = waits.between(0, 40 * MS);
        assertThat(s.leases).isEqualTo(2);
        assertThat(s.totalNanos).isEqualTo(1025 * MS);
        assertThat(s.timedOut).isEqualTo(1);
        assertThat(s.more).isFalse();
        for (int i = 0; i < PoolWaits.SIZE; i++) {
            waits.add(100 * MS + i, 30 * MS, null);
        }
        assertThat(waits.between(0, 40 * MS).more).isTrue();
    }
}
