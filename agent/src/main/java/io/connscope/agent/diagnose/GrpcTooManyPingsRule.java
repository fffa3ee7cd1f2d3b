package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.Http2Goaway;
import io.connscope.agent.http.Http2Session;

/**
 * A gRPC server ended the connection with GOAWAY ENHANCE_YOUR_CALM and the debug data
 * "too_many_pings": the client's keepalive PINGs came more often than the server permits, and
 * every call in flight failed (grpc-java's client reports RESOURCE_EXHAUSTED).
 */
public final class GrpcTooManyPingsRule extends Http2Rule {

    public static final String ID = "grpc-too-many-pings";
    static final long ENHANCE_YOUR_CALM = 0xb;
    static final String TOO_MANY_PINGS = "too_many_pings";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, Http2Session s) {
        Http2Goaway g = s.goaway();
        if (!isTooManyPings(g)) {
            return null;
        }
        int pings = s.client().pings();
        double seconds = Math.max(0, r.endNanos() - r.openNanos()) / 1e9;
        String pace = pings > 1 ? String.format(java.util.Locale.ROOT, ", about one every %.1f s", seconds / pings) : "";
        return new Warning(ID, Severity.WARN, "the server ended gRPC connection " + r.id()
            + " with GOAWAY ENHANCE_YOUR_CALM \"too_many_pings\" after the client sent " + pings + " PING(s) in "
            + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s" + pace + "; " + s.streamsOpened()
            + " call(s) on it, " + g.streamsCut() + " cut short (grpc-java fails them with RESOURCE_EXHAUSTED).",
            "The client pings more often than the server permits: set the client's keepAliveTime (grpc-java:"
                + " NettyChannelBuilder.keepAliveTime) to at least the server's permitKeepAliveTime (5 minutes by default),"
                + " or let the server permit it (NettyServerBuilder.permitKeepAliveTime, permitKeepAliveWithoutCalls); if the"
                + " client has no keepalive set, its flow-control (BDP) pings are the cause: raise the server's permit or"
                + " set a fixed flowControlWindow on the client.");
    }

    static boolean isTooManyPings(Http2Goaway g) {
        return "server".equals(g.by()) && g.errorCode() == ENHANCE_YOUR_CALM && g.debug() != null
            && g.debug().startsWith(TOO_MANY_PINGS);
    }
}
