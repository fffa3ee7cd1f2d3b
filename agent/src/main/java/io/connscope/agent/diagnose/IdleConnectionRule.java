package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import java.util.concurrent.TimeUnit;

/** A connection that sat idle longer than a threshold before it was closed (or the JVM exited). */
public final class IdleConnectionRule implements ConnectionRule {

    public static final String ID = "idle-connection";

    private final long idleNanos;

    public IdleConnectionRule(Thresholds t) {
        idleNanos = TimeUnit.MILLISECONDS.toNanos(t.get("idle.ms", 300_000));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        long idle = r.endNanos() - r.lastActivityNanos();
        if (r.connectError() != null || r.lastActivityNanos() == 0L || idle <= idleNanos) {
            return null;
        }
        return new Warning(ID, Severity.INFO, "connection " + r.id() + " sat idle for " + Describe.millis(idle)
            + " (threshold " + Describe.millis(idleNanos) + ") before it ended (" + r.classification().label() + ").",
            "Close idle connections, or bound the pool's idle time below the server's and any middlebox's idle timeout.");
    }
}
