package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.Http2ErrorCodes;
import io.connscope.agent.http.HttpExchange;

/**
 * A request that is not idempotent, and carries no Idempotency-Key, whose stream the server reset
 * before any response, with any code but REFUSED_STREAM (see {@link Http2StreamRefusedRule}) and
 * NO_ERROR: RFC 9113 §8.7 leaves open whether the server acted on it, so sending it again may apply
 * it twice. Idempotent requests and streams the client reset itself (a cancel) say nothing.
 */
public final class Http2StreamResetRule implements ExchangeRule {

    public static final String ID = "http2-stream-reset";
    private static final long NO_ERROR = 0;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        long code = e.resetErrorCode();
        if (!resetByServerBeforeResponse(e) || code == NO_ERROR || code == Http2StreamRefusedRule.REFUSED_STREAM
            || e.idempotent() || e.idempotencyKey()) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "the server reset " + stream(r, e) + " with RST_STREAM "
            + Http2ErrorCodes.name(code) + " (" + code + ") "
            + (e.requestCompleteAtReset() ? "after the whole request was sent" : "while the request was being sent")
            + ", before any response: the server may have processed it, so sending it again may apply it twice"
            + " (only REFUSED_STREAM promises it did not).",
            "Do not retry " + e.method() + " automatically after such a reset: send an Idempotency-Key the server"
                + " deduplicates on, or check with the server (its log for the stream) whether it ran.");
    }

    /** An HTTP/2 request stream the server reset before a final response began. */
    static boolean resetByServerBeforeResponse(HttpExchange e) {
        return e.http2StreamId() != 0 && e.resetErrorCode() >= 0 && "server".equals(e.resetBy()) && e.status() == 0;
    }

    /** "stream 3 (POST /orders) on HTTP/2 connection 7". */
    static String stream(ConnectionRecord r, HttpExchange e) {
        return "stream " + e.http2StreamId() + " (" + e.method() + " " + Describe.target(e.target()) + ") on HTTP/2"
            + " connection " + r.id();
    }
}
