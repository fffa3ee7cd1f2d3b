package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;

/** A socket or channel garbage-collected without close: its file descriptor was held until the GC found it. */
public final class ConnectionLeakRule implements ConnectionRule {

    public static final String ID = "connection-leak";

    private final long stackFrames;
    private final long stacksPerSecond;

    public ConnectionLeakRule(Thresholds t) {
        stackFrames = t.get("stack.frames", 8);
        stacksPerSecond = t.get("stack.per.second", 10);
    }

    /** How many application frames of the connect call site to keep (client connections); 0 turns it off. */
    public long stackFrames() {
        return stackFrames;
    }

    /** Call sites captured per destination and second; later connections get the latest one, as inferred. */
    public long stacksPerSecond() {
        return stacksPerSecond;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        if (!r.events().contains(ConnectionEvent.COLLECTED)) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "connection " + r.id() + " was never closed: its socket was"
            + " garbage-collected " + Describe.millis(r.endNanos() - r.lastActivityNanos()) + " after its last I/O"
            + Describe.openedAt(r) + ".",
            "Close sockets and channels in a finally block or try-with-resources, and read HTTP response bodies to the"
                + " end (or close their streams).");
    }
}
