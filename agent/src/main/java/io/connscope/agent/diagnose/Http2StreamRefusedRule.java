package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;

/**
 * A request stream the server refused with RST_STREAM REFUSED_STREAM. RFC 9113 §8.7: such a stream
 * was closed before any processing, so the request can be sent again, whatever its method. Said as
 * INFO: nothing went wrong that a retry does not fix, but refusals that repeat have a cause.
 */
public final class Http2StreamRefusedRule implements ExchangeRule {

    public static final String ID = "http2-stream-refused";
    static final long REFUSED_STREAM = 7;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        if (!Http2StreamResetRule.resetByServerBeforeResponse(e) || e.resetErrorCode() != REFUSED_STREAM) {
            return null;
        }
        return new Warning(ID, Severity.INFO, "the server refused " + Http2StreamResetRule.stream(r, e)
            + " with RST_STREAM REFUSED_STREAM: it was closed before any processing, so sending it again is safe"
            + (e.idempotent() ? "." : ", even as a " + e.method() + "."),
            "Retry it, on this connection or a new one (gRPC does so transparently; java.net.http fails it on JDK 17, and"
                + " retries it once on JDK 25)."
                + " Refusals that repeat mean the server is shedding load, or more streams were opened than its"
                + " SETTINGS_MAX_CONCURRENT_STREAMS allows: spread requests over more connections or servers.");
    }
}
