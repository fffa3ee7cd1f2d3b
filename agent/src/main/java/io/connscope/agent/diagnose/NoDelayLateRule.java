package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;

/** TCP_NODELAY turned on only after data had been written: the first writes still met Nagle's algorithm. */
public final class NoDelayLateRule implements ConnectionRule {

    public static final String ID = "tcp-nodelay-late";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        if (!r.noDelayChangedAfterFirstWrite() || !r.noDelay()) {
            return null;
        }
        return new Warning(ID, Severity.INFO, "TCP_NODELAY was turned on for connection " + r.id() + " only after its"
            + " first write (" + r.sequence() + ").", "Set TCP_NODELAY right after connect, before writing.");
    }
}
