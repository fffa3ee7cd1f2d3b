package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.HttpConnection;

/**
 * The peer sent malformed HTTP/1.x (broken framing or syntax, after HTTP had been seen on the
 * connection), or heads that parse only by leniency: obsolete line folding, bare LF line endings.
 * Where implementations disagree on such bytes, one side reads a message boundary the other does
 * not: that is how response desync and request smuggling begin. connscope stops reading HTTP on
 * that connection at the first malformed byte (it is only counted from there) and reports it here.
 */
public final class ProtocolViolationRule implements ConnectionRule {

    public static final String ID = "protocol-violation";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r) {
        HttpConnection http = r.http();
        if (http == null) {
            return null;
        }
        boolean peerSendsRequests = r.role() == Role.SERVER;
        String peer = peerSendsRequests ? "the client" : "the server";
        String malformed = http.violations().malformed(peerSendsRequests);
        if (malformed != null) {
            return new Warning(ID, Severity.WARN, peer + " sent malformed HTTP on connection " + r.id() + " ("
                + r.destination().key + "): " + malformed + "; connscope read no further HTTP on it (its bytes are still"
                + " counted).",
                "Fix the peer's HTTP implementation, or whatever rewrites its messages on the way (a proxy, a filter):"
                    + " parties that disagree on message framing desynchronise, which is how request smuggling starts.");
        }
        String irregular = http.violations().irregular(peerSendsRequests);
        if (irregular != null) {
            return new Warning(ID, Severity.INFO, peer + " sent HTTP that parses only leniently on connection " + r.id()
                + " (" + r.destination().key + "): " + irregular + ".",
                "Send CRLF line endings and each header field on one line (RFC 9112 §2.2 and §5.2): strict parsers reject"
                    + " these messages and lenient ones may split them differently.");
        }
        return null;
    }
}
