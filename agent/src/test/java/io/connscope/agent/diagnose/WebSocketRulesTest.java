package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.KernelCloseOrder;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.websocket.Frames;
import io.connscope.agent.websocket.WebSocketSession.Side;
import io.connscope.agent.websocket.WebSocketSession;
import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket rules on records whose bytes went through the real HTTP and frame analysis: the
 * upgrade, frames both ways, and the close handshake done or not, as either side saw it.
 */
class WebSocketRulesTest {

    private static final long MS = 1_000_000L;
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; // RFC 6455 section 1.3

    private final Destinations destinations = new Destinations(10);
    private final Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(100, 1000));

    /** A connection of this role that did the handshake and exchanged one message each way. */
    private ConnectionRecord session(Role role, String accept) {
        ConnectionRecord r = new ConnectionRecord(1, role, "socket", destinations.of(role, "chat", 8080), 0L);
        r.events().add(role == Role.CLIENT ? ConnectionEvent.CONNECT : ConnectionEvent.ACCEPT);
        TestRecords.http(r, new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease()));
        feed(r, true, ascii("GET /chat HTTP/1.1\r\nHost: chat\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        feed(r, false, ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n"));
        feed(r, true, Frames.text(true, "hello"));
        feed(r, false, Frames.text(false, "hello"));
        return r;
    }

    private static void feed(ConnectionRecord r, boolean fromClient, byte[] b) {
        r.http().feed(fromClient, b, 0, b.length);
    }

    private List<String> rules(ConnectionRecord r, ConnectionEvent... ending) {
        for (ConnectionEvent e : ending) {
            r.events().add(e);
        }
        r.finish(10 * MS);
        return diagnosis.check(r).stream().map(w -> w.rule).collect(Collectors.toList());
    }

    @Test
    void aFinishedHandshakeWithTheServerClosingFirstRaisesNothing() {
        for (Role role : Role.values()) {
            ConnectionRecord r = session(role, ACCEPT);
            feed(r, true, Frames.close(true, 1000, "bye"));
            feed(r, false, Frames.close(false, 1000, "bye"));
            TestRecords.kernelCloseOrder(r, KernelCloseOrder.THIS_SIDE); // the server's socket left in FIN_WAIT or TIME_WAIT
            List<String> raised = role == Role.CLIENT ? rules(r, ConnectionEvent.EOF, ConnectionEvent.CLOSE)
                : rules(r, ConnectionEvent.CLOSE);
            assertThat(raised).as("%s", role).isEmpty();
            assertThat(WebSocketEnd.session(r).closedFirst(WebSocketEnd.side(r))).isEqualTo(Side.CLIENT);
            assertThat(WebSocketEnd.session(r).closeAnswered()).isTrue();
            assertThat(WebSocketEnd.tcpClosedFirstBy(r)).isEqualTo(Side.SERVER);
        }
    }

    @Test
    void noCloseFrameAtAllIsAnAbnormalClosureOnBothSides() {
        assertThat(rules(session(Role.CLIENT, ACCEPT), ConnectionEvent.CLOSE)).containsExactly(WebSocketAbnormalClosureRule.ID);
        assertThat(rules(session(Role.SERVER, ACCEPT), ConnectionEvent.EOF, ConnectionEvent.CLOSE))
            .containsExactly(WebSocketAbnormalClosureRule.ID);
    }

    @Test
    void aCloseNeverAnsweredIsRaisedOnTheSideThatSentIt() {
        ConnectionRecord server = session(Role.SERVER, ACCEPT);
        feed(server, false, Frames.close(false, 1001, "going away"));
        assertThat(rules(server, ConnectionEvent.CLOSE)).containsExactly(WebSocketCloseUnansweredRule.ID);
        assertThat(diagnosis.check(server).get(0).evidence).contains("the server sent Close 1001 with a 10-byte reason");

        ConnectionRecord client = session(Role.CLIENT, ACCEPT);
        feed(client, false, Frames.close(false, 1001, "going away"));
        assertThat(rules(client, ConnectionEvent.EOF, ConnectionEvent.CLOSE)).as("the client that never answered").isEmpty();
    }

    @Test
    void aClientThatClosesTcpWithoutWaitingForTheServerIsFlagged() {
        ConnectionRecord r = session(Role.CLIENT, ACCEPT);
        feed(r, true, Frames.close(true, 1000, ""));
        feed(r, false, Frames.close(false, 1000, ""));
        TestRecords.kernelCloseOrder(r, KernelCloseOrder.THIS_SIDE); // the client's socket left in FIN_WAIT or TIME_WAIT
        assertThat(rules(r, ConnectionEvent.CLOSE)).containsExactly(WebSocketClientClosedFirstRule.ID);
        assertThat(diagnosis.check(r).get(0).evidence).contains("after the client sent Close 1000 and the server answered")
            .contains("its FIN went first");
    }

    /**
     * A writer thread answering a Close its reader read (OkHttp's and MockWebServer's writer executor):
     * the answer is seen after the peer's Close, from another thread, so which came first is not guessed.
     */
    @Test
    void aCloseWrittenFromAnotherThreadAfterThePeersWasReadHasNoKnownOrder() throws InterruptedException {
        ConnectionRecord server = session(Role.SERVER, ACCEPT);
        feed(server, true, Frames.close(true, 1000, "bye"));
        Thread writer = new Thread(() -> feed(server, false, Frames.close(false, 1000, "bye")));
        writer.start();
        writer.join();
        WebSocketSession ws = WebSocketEnd.session(server);
        assertThat(ws.closedFirst(Side.SERVER)).isNull();
        assertThat(ws.closeSent()).isTrue();
        assertThat(ws.closeAnswered()).isTrue();
        assertThat(ws.firstCloseSeen()).isSameAs(ws.frames(Side.CLIENT));
        assertThat(rules(server, ConnectionEvent.EOF, ConnectionEvent.CLOSE)).isEmpty();

        ConnectionRecord client = session(Role.CLIENT, ACCEPT);
        feed(client, false, Frames.close(false, 1000, ""));
        Thread clientWriter = new Thread(() -> feed(client, true, Frames.close(true, 1000, "")));
        clientWriter.start();
        clientWriter.join();
        TestRecords.kernelCloseOrder(client, KernelCloseOrder.THIS_SIDE);
        assertThat(rules(client, ConnectionEvent.CLOSE)).containsExactly(WebSocketClientClosedFirstRule.ID);
        assertThat(diagnosis.check(client).get(0).evidence)
            .contains("both sides sent Close (which first is not known here; the client saw Close 1000 first)");
    }

    /** Closed without reading the server's FIN: only the kernel knows whose went first, and only a proven order is claimed. */
    @Test
    void aClientThatClosesWithoutReadingIsFlaggedOnlyWhenItsFinWentFirst() {
        for (int order : new int[] {KernelCloseOrder.PEER, KernelCloseOrder.UNKNOWN}) {
            ConnectionRecord r = session(Role.CLIENT, ACCEPT);
            feed(r, true, Frames.close(true, 1000, ""));
            feed(r, false, Frames.close(false, 1000, ""));
            TestRecords.kernelCloseOrder(r, order);
            assertThat(rules(r, ConnectionEvent.CLOSE)).as("kernel order %d", order).isEmpty();
            assertThat(WebSocketEnd.tcpClosedFirstBy(r)).isEqualTo(order == KernelCloseOrder.PEER
                ? io.connscope.agent.websocket.WebSocketSession.Side.SERVER : null);
        }
    }

    @Test
    void anAcceptThatDoesNotMatchTheKeyIsFlaggedOnTheClient() {
        ConnectionRecord r = session(Role.CLIENT, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        feed(r, true, Frames.close(true, 1000, ""));
        feed(r, false, Frames.close(false, 1000, ""));
        assertThat(rules(r, ConnectionEvent.EOF, ConnectionEvent.CLOSE)).containsExactly(WebSocketAcceptMismatchRule.ID);
        assertThat(WebSocketEnd.session(session(Role.CLIENT, ACCEPT)).acceptMatches()).isTrue();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
