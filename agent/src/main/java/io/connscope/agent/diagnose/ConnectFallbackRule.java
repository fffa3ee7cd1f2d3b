package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NameResolution;

/**
 * A connection that was established only after connects to other addresses of the same name had
 * failed, one after another, on the same thread: the client fell back through the name's answer (as
 * Apache HttpClient and OkHttp do), and every such connection paid the dead addresses' time first.
 */
public final class ConnectFallbackRule implements ConnectionRule {

    public static final String ID = "connect-fallback";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        NameResolution n = r.resolution();
        if (n == null || n.failedAttempts == 0 || r.connectError() != null || r.connectEndNanos() == 0L) {
            return null;
        }
        return new Warning(ID, Severity.WARN, "connection " + r.id() + " to " + n.name + " reached " + r.peerAddress()
            + (n.addressIndex > 0 ? " (address " + n.addressIndex + " of " + n.addressCount + ")" : "") + " after "
            + n.failedAttempts + " failed connect(s) to other addresses of that name, " + Describe.millis(n.failedNanos)
            + " in all: the first to " + n.failedAddress + " (" + n.failedError + "); answer: " + Describe.addresses(n)
            + ".", "Remove the dead address from the name's records (or fix its route: an IPv6 address without IPv6"
                + " connectivity is the usual one, -Djava.net.preferIPv4Stack=true or preferIPv6Addresses=false puts"
                + " IPv4 first); a shorter connect timeout bounds what each fallback costs.");
    }
}
