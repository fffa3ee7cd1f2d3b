package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.KernelCloseOrder;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.websocket.WebSocketFrames;
import io.connscope.agent.websocket.WebSocketSession.Side;
import io.connscope.agent.websocket.WebSocketSession;

/** How a WebSocket session on an ended connection ended: its close handshake and the TCP close after it. */
public final class WebSocketEnd {

    private WebSocketEnd() {
    }

    /** The connection's WebSocket session, or null. */
    public static WebSocketSession session(ConnectionRecord r) {
        HttpConnection http = r.http();
        return http == null ? null : http.webSocket();
    }

    /**
     * The side whose FIN went first; null when the connection did not end in a close, or when that
     * cannot be known. This side's reads prove the peer first (end of stream read before the close).
     * When this side closed, or shut its output, before reading the peer's end of stream, the peer's
     * FIN may still have come first: the kernel tells (see {@link KernelCloseOrder}), or nobody does.
     */
    public static Side tcpClosedFirstBy(ConnectionRecord r) {
        CloseClassification how = r.classification();
        boolean thisSide;
        switch (how) {
            case GRACEFUL:
            case LOCAL_CLOSE:
                int order = r.kernelCloseOrder();
                if (order == KernelCloseOrder.UNKNOWN) {
                    return null;
                }
                thisSide = order == KernelCloseOrder.THIS_SIDE;
                break;
            case ABORTIVE:
                thisSide = true;
                break;
            case PEER_FIRST:
            case RESET:
                thisSide = false;
                break;
            default:
                return null;
        }
        boolean client = r.role() == Role.CLIENT;
        return thisSide == client ? Side.CLIENT : Side.SERVER;
    }

    /** This end's side of the session. */
    public static Side side(ConnectionRecord r) {
        return r.role() == Role.CLIENT ? Side.CLIENT : Side.SERVER;
    }

    /** "Close 1000 with a 6-byte reason" or "Close without a status code". */
    static String describeClose(WebSocketFrames f) {
        return f.closeCode() == WebSocketFrames.NO_STATUS ? "Close without a status code"
            : "Close " + f.closeCode() + (f.closeReasonLength() > 0 ? " with a " + f.closeReasonLength() + "-byte reason" : "");
    }
}
