package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NagleBand;
import io.connscope.agent.connection.NagleEvidence;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.HttpConnection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Nagle's algorithm meeting delayed ACK on this side: with TCP_NODELAY off, the second small write
 * of a request waits for the ACK of the first, which the peer delays (40 ms on Linux, up to 200 ms
 * elsewhere) because it is waiting for the rest of the request.
 *
 * <p>Claimed only where it is proven: on the client side, where the read after a request's writes
 * is its answer; when the answers of such requests came within the delayed-ACK band, at least
 * {@code repeats} times and for most of them; and not when the requests written in one write were
 * answered as late, which is a slow peer, not a stall.
 */
public final class NagleDelayedAckRule implements ConnectionRule {

    public static final String ID = "nagle-delayed-ack";

    private final long repeats;
    private final NagleBand band;

    /** @param band as {@link #band(Thresholds)} read it from the same settings */
    NagleDelayedAckRule(Thresholds t, NagleBand band) {
        repeats = Math.max(1, t.get("repeats", 3));
        this.band = band;
    }

    /** The band and small-write size this rule's settings give; every connection's evidence is kept against it. */
    static NagleBand band(Thresholds t) {
        long smallBytes = t.get("small.bytes", 1460);
        long min = t.get("band.min.ms", 36);
        long max = t.get("band.max.ms", 250);
        if (max < min) {
            t.problem("band.max.ms", max + " is below band.min.ms " + min + "; using the defaults 36 and 250");
            min = 36;
            max = 250;
        }
        return new NagleBand((int) Math.min(Integer.MAX_VALUE, smallBytes), TimeUnit.MILLISECONDS.toNanos(min),
            TimeUnit.MILLISECONDS.toNanos(max));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        NagleEvidence n = r.nagle();
        if (r.role() != Role.CLIENT || n == null || multiplexed(r) || n.stalledRequests < repeats
            || 2L * n.stalledRequests < n.splitRequests) {
            return null;
        }
        if (n.singleRequests > 0 && 2L * n.slowSingleRequests >= n.singleRequests) {
            return null; // answered as late when written at once: the peer is slow, Nagle is not shown
        }
        StringBuilder sizes = new StringBuilder();
        int[] first = n.stallSizes; // set before the stall was counted
        for (int i = 0; i < Math.min(n.stallWrites, NagleEvidence.SIZES); i++) {
            sizes.append(i == 0 ? "" : " + ").append(first[i]);
        }
        if (n.stallWrites > NagleEvidence.SIZES) {
            sizes.append(" + …");
        }
        String evidence = "on connection " + r.id() + " with TCP_NODELAY off, " + n.stalledRequests + " of " + n.splitRequests
            + " requests written in several writes of at most " + band.smallWriteBytes() + " bytes (the first: "
            + sizes + " = " + n.stallBytes + " bytes) were answered " + range(n.stalledMinNanos, n.stalledMaxNanos)
            + " after their last write, within the delayed-ACK band " + band + "; " + contrast(n);
        return new Warning(ID, Severity.WARN, evidence, "Set TCP_NODELAY (Socket.setTcpNoDelay(true) or"
            + " StandardSocketOptions.TCP_NODELAY) before the first write, or write each request in one buffer.");
    }

    private static String contrast(NagleEvidence n) {
        if (n.singleRequests == 0) {
            return "no request on this connection was written in one write to compare with.";
        }
        int fast = n.singleRequests - n.slowSingleRequests;
        return fast + " of the " + n.singleRequests + " written in one write were answered within "
            + ms(n.fastSingleMaxNanos) + ".";
    }

    /** HTTP/2 and WebSocket: a read after writes may carry another stream's data or a message of the peer's own. */
    private static boolean multiplexed(ConnectionRecord r) {
        HttpConnection http = r.http();
        return http != null && (http.http2() != null || http.webSocket() != null);
    }

    static String range(long min, long max) {
        return min == max ? ms(min) : String.format(Locale.ROOT, "%.1f–%.1f ms", min / 1e6, max / 1e6);
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
