package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.Http2FlowControl;
import io.connscope.agent.http.Http2Session;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 sender that used its flow-control window up, with more to send, and waited for the
 * receiver's WINDOW_UPDATE longer than {@code blocked.ms} at least once (see
 * {@link Http2FlowControl}): the receiver reads slower than it is sent to, or grants a window too
 * small for the bandwidth-delay product. Either end's sending; both sides raise it.
 */
public final class Http2FlowBlockedRule extends Http2Rule {

    public static final String ID = "http2-flow-control-blocked";

    private final long blockedNanos;

    public Http2FlowBlockedRule(Thresholds t) {
        blockedNanos = TimeUnit.MILLISECONDS.toNanos(t.get("blocked.ms", 100));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, Http2Session s) {
        Http2FlowControl.Sender blocked = worse(s.flow().client(), s.flow().server());
        if (blocked == null) {
            return null;
        }
        String receiver = blocked == s.flow().client() ? "server" : "client";
        int connectionWaits = blocked.waits() - blocked.streamWaits();
        StringBuilder evidence = new StringBuilder(String.format(Locale.ROOT, "on HTTP/2 connection %d the %s used its"
            + " flow-control window up %d time(s) with more to send and waited for the %s's WINDOW_UPDATE: %s in all, at"
            + " most %s (%d time(s) a stream's window of %d bytes, the %s's SETTINGS_INITIAL_WINDOW_SIZE; %d time(s) the"
            + " connection's); it sent %d bytes of DATA.", r.id(), blocked.name(), blocked.waits(), receiver,
            Describe.millis(blocked.waitedNanos()), Describe.millis(blocked.longestWaitNanos()), blocked.streamWaits(),
            blocked.streamWindow(), receiver, connectionWaits, blocked.dataBytes()));
        // The round trip of this end's own PINGs (the peer's, timed here, would be this end's answering time) bounds
        // what a window carries: one window a round trip.
        Http2FlowControl.Sender here = r.role() == Role.CLIENT ? s.flow().client() : s.flow().server();
        if (here.roundTrips() > 0 && here.rttMinNanos() > 0) {
            evidence.append(String.format(Locale.ROOT, " This end's PINGs took %.1f ms to be answered at least: at that"
                + " round trip, each %d bytes of window carries %.0f kB/s.", here.rttMinNanos() / 1e6,
                blocked.streamWindow(), blocked.streamWindow() / (here.rttMinNanos() / 1e9) / 1e3));
        }
        return new Warning(ID, Severity.WARN, evidence.toString(), "On the " + receiver + ": read (consume) the"
            + " stream as fast as it arrives, or grant windows of at least the bandwidth-delay product (Jetty:"
            + " setInitialStreamRecvWindow / setInitialSessionRecvWindow; Netty: Http2Settings.initialWindowSize;"
            + " grpc-java: flowControlWindow; java.net.http: -Djdk.httpclient.windowsize and"
            + " -Djdk.httpclient.connectionWindowSize).");
    }

    /** The sender with the longest wait at or over the threshold, or null. */
    private Http2FlowControl.Sender worse(Http2FlowControl.Sender a, Http2FlowControl.Sender b) {
        Http2FlowControl.Sender longer = a.longestWaitNanos() >= b.longestWaitNanos() ? a : b;
        return longer.waits() > 0 && longer.longestWaitNanos() >= blockedNanos ? longer : null;
    }
}
