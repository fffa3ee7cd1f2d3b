package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.websocket.WebSocketSession;

/**
 * The server's Sec-WebSocket-Accept is not the value RFC 6455 §4.2.2 derives from the client's
 * Sec-WebSocket-Key, and the client went on anyway. Raised on the client side.
 */
public final class WebSocketAcceptMismatchRule extends WebSocketRule {

    public static final String ID = "websocket-accept-mismatch";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, WebSocketSession ws) {
        if (r.role() != Role.CLIENT || !Boolean.FALSE.equals(ws.acceptMatches())) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "the 101 response on connection " + r.id() + " carried a Sec-WebSocket-Accept"
            + " that does not match the request's Sec-WebSocket-Key, and the client exchanged "
            + (ws.frames(WebSocketSession.Side.CLIENT).frames() + ws.frames(WebSocketSession.Side.SERVER).frames())
            + " frames anyway: a client must fail such a handshake.", "Fix the server's handshake (base64 of SHA-1 of the"
            + " key and 258EAFA5-E914-47DA-95CA-C5AB0DC85B11), or a proxy rewriting it; and use a client that validates it.");
    }
}
