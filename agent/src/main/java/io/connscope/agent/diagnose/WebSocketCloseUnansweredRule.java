package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.websocket.WebSocketSession.Side;
import io.connscope.agent.websocket.WebSocketSession;

/**
 * This side sent a WebSocket Close frame and the TCP connection ended before the peer answered
 * with its own: the close handshake never finished. Raised on the side that sent Close.
 */
public final class WebSocketCloseUnansweredRule extends WebSocketRule {

    public static final String ID = "websocket-close-unanswered";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, WebSocketSession ws) {
        if (ws.closedFirst(WebSocketEnd.side(r)) != WebSocketEnd.side(r) || ws.closeAnswered()
            || r.classification() == CloseClassification.OPEN_AT_EXIT) {
            return null;
        }
        Side self = WebSocketEnd.side(r);
        Side tcpFirst = WebSocketEnd.tcpClosedFirstBy(r);
        return new Warning(ID, Severity.WARN, "the " + self.label() + " sent " + WebSocketEnd.describeClose(ws.frames(self))
            + " on connection " + r.id() + ", and the " + self.other().label() + " never answered with its own Close before"
            + " the " + (tcpFirst == null ? "connection ended" : tcpFirst.label() + " closed TCP") + " ("
            + r.classification().label() + ", " + r.sequence() + "): the close handshake did not finish.",
            self == Side.CLIENT ? "Servers must answer Close with Close before closing TCP; on the client, keep reading"
                + " after sendClose until the server's Close arrives (or a timeout passes)."
                : "Clients must answer Close with Close; on the server, keep reading after sending Close until the"
                + " client's Close arrives, then close TCP.");
    }
}
