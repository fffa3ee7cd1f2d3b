package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import java.util.List;

/**
 * Half-closes done in an order that can lose data: shutdownInput before shutdownOutput (and before
 * the peer's EOF), or shutdownOutput followed by close without reading the peer's EOF. The order is
 * a fact; a loss is only proven when the connection was then reset, so the severity follows the
 * consequence: WARN with a reset, INFO without (Jetty 12 and OkHttp over TLS close this way on
 * healthy connections).
 */
public final class CloseOrderingRule implements ConnectionRule {

    public static final String ID = "close-ordering";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        List<ConnectionEvent> events = r.events().events();
        int in = events.indexOf(ConnectionEvent.SHUTDOWN_INPUT);
        int out = events.indexOf(ConnectionEvent.SHUTDOWN_OUTPUT);
        int close = events.indexOf(ConnectionEvent.CLOSE);
        int eof = events.indexOf(ConnectionEvent.EOF);
        // After the peer's EOF nothing more can arrive: shutting input down then loses nothing.
        boolean reset = events.contains(ConnectionEvent.RESET_ON_READ) || events.contains(ConnectionEvent.RESET_ON_WRITE);
        Severity severity = reset ? Severity.WARN : Severity.INFO;
        String outcome = reset ? " The connection was then reset." : " No reset followed: nothing is known to be lost.";
        if (in >= 0 && (out < 0 || in < out) && (eof < 0 || eof > in)) {
            return new Warning(ID, severity, "connection " + r.id() + " shut its input down before its output ("
                + r.sequence() + "): whatever the peer still sends is discarded or answered with RST." + outcome,
                "Half-close the other way: shutdownOutput, read until EOF, then close.");
        }
        if (out >= 0 && close > out && (eof < 0 || eof > close) && r.unreadAtEnd() == 0 && !tlsClose(r, events, out)) {
            return new Warning(ID, severity, "connection " + r.id() + " called shutdownOutput and then closed without"
                + " reading the peer's EOF (" + r.sequence() + "): the half-close bought nothing, and the peer's last"
                + " bytes may meet a RST." + outcome, "After shutdownOutput, read until end of stream before close.");
        }
        return null;
    }

    /**
     * SSLSocket.close() itself shuts output then input down on its socket after sending close_notify:
     * that sequence, right before the close of a TLS connection, is the JDK's and not a mistake.
     */
    private static boolean tlsClose(ConnectionRecord r, List<ConnectionEvent> events, int out) {
        return r.tls().info() != null && out + 2 < events.size() && events.get(out + 1) == ConnectionEvent.SHUTDOWN_INPUT
            && events.get(out + 2) == ConnectionEvent.CLOSE;
    }
}
