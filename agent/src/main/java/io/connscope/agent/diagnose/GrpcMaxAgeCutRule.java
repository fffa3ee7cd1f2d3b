package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.Http2Goaway;
import io.connscope.agent.http.Http2ErrorCodes;
import io.connscope.agent.http.Http2Session;

/**
 * A gRPC server's maximum connection age ended the connection (GOAWAY with the debug data "max_age")
 * while calls were still running, and its grace period ran out before they finished: they were cut.
 * A GOAWAY for age alone, with every call finishing, is the feature working and raises nothing.
 */
public final class GrpcMaxAgeCutRule extends Http2Rule {

    public static final String ID = "grpc-max-age-cut";
    static final String MAX_AGE = "max_age";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, Http2Session s) {
        Http2Goaway g = s.goaway();
        if (!"server".equals(g.by()) || g.debug() == null || !g.debug().startsWith(MAX_AGE) || g.streamsCut() == 0) {
            return null;
        }
        String first = g.firstCutPath() == null ? "" : ", the first " + g.firstCutPath();
        return new Warning(ID, Severity.WARN, "the server's maximum connection age ended gRPC connection " + r.id()
            + " (GOAWAY \"max_age\", " + Http2ErrorCodes.name(g.errorCode()) + ") while " + g.streamsCut()
            + " call(s) were running" + first + "; they ended without a complete response (UNAVAILABLE or CANCELLED at"
            + " the client) after the connection had lived " + String.format(java.util.Locale.ROOT, "%.1f",
                Math.max(0, r.endNanos() - r.openNanos()) / 1e9) + " s.",
            "Give calls time to finish: set the server's maxConnectionAgeGrace (grpc-java: NettyServerBuilder) above the"
                + " longest call, or have long streams end and resume before the age; clients should retry UNAVAILABLE"
                + " with a new stream.");
    }
}
