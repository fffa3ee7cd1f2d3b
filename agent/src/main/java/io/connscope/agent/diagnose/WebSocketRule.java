package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.websocket.WebSocketSession;

/** A connection rule about the WebSocket session on the connection; connections without one pass. */
abstract class WebSocketRule implements ConnectionRule {

    @Override
    public final Warning check(ConnectionRecord r) {
        WebSocketSession ws = WebSocketEnd.session(r);
        return ws == null ? null : check(r, ws);
    }

    /** The warning this session deserves, or null. */
    abstract Warning check(ConnectionRecord r, WebSocketSession ws);
}
