package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.websocket.WebSocketSession.Side;
import io.connscope.agent.websocket.WebSocketSession;

/**
 * After a WebSocket close handshake, the client closed TCP before the server. RFC 6455 §7.1.1 has
 * the server close first, so that TIME_WAIT lands on the server rather than on the client's ports.
 */
public final class WebSocketClientClosedFirstRule extends WebSocketRule {

    public static final String ID = "websocket-client-closed-tcp-first";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, WebSocketSession ws) {
        // A reset leaves no TIME_WAIT (abortive-close says what it costs); otherwise the kernel proved the order.
        if (!ws.closeSent() || r.role() != Role.CLIENT || r.classification() == CloseClassification.ABORTIVE
            || WebSocketEnd.tcpClosedFirstBy(r) != Side.CLIENT) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "the client closed TCP on WebSocket connection " + r.id() + " without waiting"
            + " for the server to close it (" + r.classification().label() + ", " + r.sequence() + "), after "
            + closeHandshake(ws) + ": its FIN went first (its socket was left in FIN_WAIT or TIME_WAIT, as the kernel's"
            + " TCP table shows), so TIME_WAIT holds its local port for 60 s.",
            "Let the server close the TCP connection first (RFC 6455 7.1.1): after the"
            + " close handshake, the client reads until the server's FIN, and closes on its own only after a timeout.");
    }

    private static String closeHandshake(WebSocketSession ws) {
        Side first = ws.closedFirst(Side.CLIENT);
        if (first == null) {
            return "both sides sent Close (which first is not known here; the client saw "
                + WebSocketEnd.describeClose(ws.firstCloseSeen()) + " first)";
        }
        return "the " + first.label() + " sent " + WebSocketEnd.describeClose(ws.frames(first)) + (ws.closeAnswered()
            ? " and the " + first.other().label() + " answered" : ", unanswered");
    }
}
