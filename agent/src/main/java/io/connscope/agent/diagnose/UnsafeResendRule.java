package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.ClientRequest;
import io.connscope.agent.http.FailedAttempt;
import io.connscope.agent.http.HttpExchange;

/**
 * A non-idempotent request (RFC 9110 §9.2.2) sent again after its connection failed before a
 * complete response: the server may already have acted on the first attempt.
 */
public final class UnsafeResendRule implements ExchangeRule {

    public static final String ID = "unsafe-resend";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        if (r.role() != Role.CLIENT || e.resendCount() == 0 || e.idempotent() || e.idempotencyKey()) {
            return null;
        }
        StringBuilder evidence = new StringBuilder();
        evidence.append(e.method()).append(' ').append(Describe.target(e.target()))
            .append(" was sent again by ").append(e.resentBy());
        ClientRequest library = e.client();
        if (library != null && library.resendPath != null) {
            evidence.append(" (its ").append(library.resendPath).append(" path, after a failed ")
                .append(library.resendPath.equals("writeRequests") ? "write, which sun.net.http.retryPost does not govern"
                    : "read").append(')');
        }
        evidence.append(" on connection ").append(r.id());
        FailedAttempt previous = e.resendOf();
        if (previous == null) {
            evidence.append(" after its first attempt failed (the JDK resent it itself)");
        } else {
            evidence.append(" after connection ").append(previous.connectionId).append(" failed (")
                .append(previous.failure).append(") before a complete response");
            if (previous.idleBeforeNanos >= 0) {
                evidence.append("; connection ").append(previous.connectionId).append(" had been idle ")
                    .append(Describe.millis(previous.idleBeforeNanos)).append(" before the request");
            } else {
                evidence.append("; it was a new connection");
            }
            if (previous.keepAliveTimeoutSeconds >= 0) {
                evidence.append("; the server advertised Keep-Alive: timeout=").append(previous.keepAliveTimeoutSeconds);
            } else {
                evidence.append("; the server advertised no Keep-Alive timeout");
            }
        }
        evidence.append(". The server may have processed it twice; resend_count=").append(e.resendCount()).append('.');
        String advice = "Send an Idempotency-Key header the server deduplicates on, or do not resend "
            + e.method() + " automatically";
        if (ClientRequest.HTTP_URL_CONNECTION.equals(e.resentBy())) {
            advice += " (HttpURLConnection: use fixed-length or chunked streaming mode, which it never resends;"
                + " -Dsun.net.http.retryPost=false only stops the resend after a failed read)";
        }
        advice += "; evict idle connections before the server's keep-alive timeout.";
        return new Warning(ID, Severity.WARN, evidence.toString(), advice);
    }
}
