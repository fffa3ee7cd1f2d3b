package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.websocket.WebSocketSession.Side;
import io.connscope.agent.websocket.WebSocketSession;

/**
 * A WebSocket session whose TCP connection ended with no Close frame from either side: both
 * applications get 1006 (abnormal closure) and cannot tell a finished session from a failure.
 */
public final class WebSocketAbnormalClosureRule extends WebSocketRule {

    public static final String ID = "websocket-abnormal-closure";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, WebSocketSession ws) {
        CloseClassification how = r.classification();
        if (ws.closeSent() || how == CloseClassification.OPEN_AT_EXIT
            || how == CloseClassification.LEAKED) {
            return null;
        }
        Side tcpFirst = WebSocketEnd.tcpClosedFirstBy(r);
        return new Warning(ID, Severity.WARN, "WebSocket session on connection " + r.id() + " ended without a Close frame"
            + " from either side, after " + ws.frames(Side.CLIENT).frames() + " frames from the client and "
            + ws.frames(Side.SERVER).frames() + " from the server; the " + (tcpFirst == null ? "TCP connection ended"
            : tcpFirst.label() + " closed TCP first") + " (" + how.label() + ", " + r.sequence() + "). Both ends see"
            + " 1006, abnormal closure.", "End sessions with the close handshake: send Close (WebSocket.sendClose(1000,"
            + " \"\") in java.net.http), wait for the peer's Close, and only then close the TCP connection; the server"
            + " closes it first.");
    }
}
