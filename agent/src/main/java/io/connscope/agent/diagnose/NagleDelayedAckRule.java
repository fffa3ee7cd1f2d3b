package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import java.util.concurrent.TimeUnit;

/**
 * Nagle's algorithm meeting delayed ACK: with TCP_NODELAY off, the second small write of a request
 * waits for the ACK of the first, which the peer delays (40 ms on Linux, 200 ms elsewhere) because
 * it is waiting for the rest of the request.
 */
public final class NagleDelayedAckRule implements ConnectionRule {

    public static final String ID = "nagle-delayed-ack";

    private final long smallBytes;
    private final long gapNanos;
    private final long writes;

    public NagleDelayedAckRule(Thresholds t) {
        smallBytes = t.get("small.bytes", 1460);
        gapNanos = TimeUnit.MILLISECONDS.toNanos(t.get("gap.ms", 30));
        writes = t.get("writes", 2);
        ConnectionRecord.smallWriteBytes = (int) Math.min(Integer.MAX_VALUE, smallBytes);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        if (r.stallNoDelay || r.stallWrites < Math.max(2, writes) || r.stallGapNanos < gapNanos) {
            return null;
        }
        StringBuilder sizes = new StringBuilder();
        for (int i = 0; i < Math.min(r.stallWrites, ConnectionRecord.STALL_SIZES); i++) {
            sizes.append(i == 0 ? "" : " + ").append(r.stallSizes[i]);
        }
        if (r.stallWrites > ConnectionRecord.STALL_SIZES) {
            sizes.append(" + …");
        }
        String evidence = "on connection " + r.id + " with TCP_NODELAY off, " + r.stallWrites + " writes of at most "
            + smallBytes + " bytes (" + sizes + " = " + r.stallBytes + " bytes) went out before a read, and the first byte"
            + " of the answer came " + Describe.millis(r.stallGapNanos) + " after the last write: the delayed-ACK stall.";
        return new Warning(ID, Severity.WARN, evidence, "Set TCP_NODELAY (Socket.setTcpNoDelay(true) or"
            + " StandardSocketOptions.TCP_NODELAY) before the first write, or write each request in one buffer.");
    }
}
