package io.connscope.agent.connection;

import io.connscope.agent.http.HttpConnection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Running totals for one destination, updated when connections open and close (never on the
 * read/write path). The exit report reads these, so it counts every connection even when
 * telemetry export had to drop some.
 */
public final class DestinationStats {

    public final AtomicLong opened = new AtomicLong();
    public final AtomicLong connectFailures = new AtomicLong();
    public final AtomicLong ended = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
    public final AtomicLong bytesReceived = new AtomicLong();
    public final AtomicLong noDelayOn = new AtomicLong();
    public final AtomicLong noDelayOff = new AtomicLong();
    public final AtomicLong tlsResumed = new AtomicLong();
    /** When the first handshake here ended (System.nanoTime), or 0: from then on, a session existed to resume. */
    private final AtomicLong firstSessionNanos = new AtomicLong();
    /** Full handshakes here that began once a session existed, so could have resumed it. */
    public final AtomicLong tlsFullWithSession = new AtomicLong();
    /** The session caches handshakes here came from. */
    final TlsSessionCaches tlsCaches = new TlsSessionCaches();
    public final AtomicLong httpRequests = new AtomicLong();
    public final AtomicLong httpResponses = new AtomicLong();
    /** Settled connections that carried at least one HTTP request. */
    public final AtomicLong httpConnections = new AtomicLong();
    public final LogHistogram connectTime = new LogHistogram();
    public final LogHistogram tlsHandshakeTime = new LogHistogram();
    /** Outbound HTTP exchanges timed by whether their connection was new or reused (pipeline thread). */
    public final ReuseTimings reuse = new ReuseTimings();
    /** When its latest outbound connections were established. */
    public final RecentConnects recentConnects = new RecentConnects();
    /** Its latest waits for a pooled connection, from client libraries' pools. */
    public final PoolWaits poolWaits = new PoolWaits();
    public final AtomicLongArray closes = new AtomicLongArray(CloseClassification.values().length);
    final CallSiteBudget callSites = new CallSiteBudget();

    /** Adds a connection that has ended (or is still open at exit) to the totals. */
    public void addEnded(ConnectionRecord r, CloseClassification how) {
        closes.incrementAndGet(how.ordinal());
        if (how == CloseClassification.CONNECT_FAILED) {
            connectFailures.incrementAndGet();
            return;
        }
        ended.incrementAndGet();
        r.accountedSent = r.bytesWritten();
        r.accountedReceived = r.bytesRead();
        bytesSent.addAndGet(r.accountedSent);
        bytesReceived.addAndGet(r.accountedReceived);
        (r.noDelay ? noDelayOn : noDelayOff).incrementAndGet();
    }

    /**
     * The share of HTTP requests that reused a connection: 1 − connections / requests, over settled
     * connections; -1 before any request.
     */
    public double reuseRatio() {
        long requests = httpRequests.get();
        return requests == 0 ? -1 : 1.0 - (double) httpConnections.get() / requests;
    }

    /** Adds bytes a connection's hooks counted after it ended (a write finishing as another thread closed). */
    public void addLateBytes(ConnectionRecord r) {
        bytesSent.addAndGet(r.bytesWritten() - r.accountedSent);
        bytesReceived.addAndGet(r.bytesRead() - r.accountedReceived);
    }

    /** Adds a connection's HTTP totals, once its HTTP analysis has been settled. */
    public void addHttp(ConnectionRecord r, HttpConnection http) {
        httpRequests.addAndGet(http.requests());
        httpResponses.addAndGet(http.responses());
        if (http.requests() > 0) {
            httpConnections.incrementAndGet();
        }
        reuse.connectionSettled(r, http);
    }

    /**
     * Adds a handshake. Returns how many full handshakes to this destination began once an earlier
     * handshake there had finished, this one included, or 0 when this one is not such: handshakes
     * begun in parallel before any session existed had nothing to resume.
     */
    public long addTls(TlsInfo tls) {
        tlsHandshakeTime.record(tls.durationNanos());
        if (Boolean.TRUE.equals(tls.resumed)) {
            tlsResumed.incrementAndGet();
        }
        if (tls.error != null) {
            return 0;
        }
        long sessionSince = firstSessionNanos.get();
        long n = Boolean.FALSE.equals(tls.resumed) && sessionSince != 0L && tls.startNanos > sessionSince
            ? tlsFullWithSession.incrementAndGet() : 0;
        long end = tls.endNanos == 0L ? 1L : tls.endNanos;
        while (sessionSince == 0L || end < sessionSince) {
            if (firstSessionNanos.compareAndSet(sessionSince, end)) {
                break;
            }
            sessionSince = firstSessionNanos.get();
        }
        return n;
    }
}
