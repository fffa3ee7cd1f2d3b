package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;

/** A connect that failed because no local port was free: "Cannot assign requested address". */
public final class PortExhaustionRule implements ConnectionRule {

    public static final String ID = "port-exhaustion";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        // Linux's EADDRNOTAVAIL: the JDK reports it as BindException or NoRouteToHostException with this message.
        String message = r.connectErrorMessage();
        if (r.connectError() == null || message == null || !message.contains("Cannot assign requested address")) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "connect " + r.id() + " failed with " + r.connectError() + ": " + message
            + ", no local port was free (" + LocalPorts.describe() + ")"
            + Describe.openedAt(r) + ".",
            "Reuse connections instead of opening one per request: every connection this side closes first holds its"
                + " port in TIME_WAIT for 60 s.");
    }
}
