package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.Http2Goaway;
import io.connscope.agent.http.Http2ErrorCodes;
import io.connscope.agent.http.Http2Session;

/**
 * A GOAWAY with an error code: one side ended the HTTP/2 connection because something went wrong,
 * not to shut down gracefully, and its streams above the last stream id were not processed.
 */
public final class Http2GoawayErrorRule extends Http2Rule {

    public static final String ID = "http2-goaway-error";

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, Http2Session s) {
        Http2Goaway g = s.goaway();
        long code = g.errorCode();
        if (g.by() == null || code == 0 || GrpcTooManyPingsRule.isTooManyPings(g)) {
            return null; // gRPC's "too_many_pings" has a rule of its own, which says what to change
        }
        String name = Http2ErrorCodes.name(code);
        return new Warning(ID, Severity.WARN, "the " + g.by() + " ended HTTP/2 connection " + r.id()
            + " with GOAWAY " + name + " (" + code + ")" + (g.debug() == null ? "" : " \"" + g.debug() + "\"")
            + ", last processed stream " + g.lastStreamId() + ", after "
            + s.streamsOpened() + " streams; streams above it were not processed.",
            advice(name));
    }

    private static String advice(String name) {
        switch (name) {
            case "ENHANCE_YOUR_CALM":
                return "The sender took this traffic for abuse: look for bursts of stream resets, PINGs or SETTINGS"
                    + " (the rapid-reset pattern), and slow them down.";
            case "PROTOCOL_ERROR":
            case "COMPRESSION_ERROR":
            case "FRAME_SIZE_ERROR":
            case "FLOW_CONTROL_ERROR":
                return "One side's HTTP/2 implementation broke the protocol: update the client or server library, and"
                    + " check intermediaries that rewrite frames.";
            default:
                return "Find why the sender gave up on the connection (its logs, at the time of the GOAWAY); retry the"
                    + " unprocessed streams, above the last stream id, on a new connection.";
        }
    }
}
