package io.connscope.agent.connection;

import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One outbound destination's HTTP exchanges split by whether their connection was new or reused,
 * timed as the application waits: an exchange on a new connection from the connect's start (so it
 * holds connect, TLS and whatever else came before the request), one on a reused connection from its
 * request's first byte. From these the report and a metric say what reusing would have saved (see
 * {@code ReusePrice}). Written on the pipeline thread only, read by the report and metric threads:
 * each figure is atomic, a reader may see one exchange's figures half added, which an estimate bears.
 */
public final class ReuseTimings {

    /** A response at least this large has its transfer rate compared (smaller ones are all latency). */
    public static final long RATE_MIN_BYTES = 64 * 1024;

    /** Exchanges that were the first on their connection, and their sums. */
    public final AtomicLong newExchanges = new AtomicLong();
    /** From the connect's start to the response's end. */
    public final AtomicLong newTotalNanos = new AtomicLong();
    /** From the connect's start to the request's first byte: the setup paid before the request could go. */
    public final AtomicLong newSetupNanos = new AtomicLong();
    /** Of that setup, the TCP connect and the TLS handshake alone (the rest is the client's own work between). */
    public final AtomicLong newConnectNanos = new AtomicLong();
    public final AtomicLong newTlsNanos = new AtomicLong();
    /** From the request's first byte to the response's first byte. */
    public final AtomicLong newFirstByteNanos = new AtomicLong();
    /** From the response's first byte to its end. */
    public final AtomicLong newTransferNanos = new AtomicLong();

    /** Exchanges on a connection that had carried one before, and their sums (from the request's first byte). */
    public final AtomicLong reusedExchanges = new AtomicLong();
    public final AtomicLong reusedTotalNanos = new AtomicLong();
    public final AtomicLong reusedFirstByteNanos = new AtomicLong();
    public final AtomicLong reusedTransferNanos = new AtomicLong();

    /** Responses of at least {@link #RATE_MIN_BYTES}: body bytes and transfer time, first exchange and later ones. */
    public final AtomicLong firstRateResponses = new AtomicLong();
    public final AtomicLong firstRateBytes = new AtomicLong();
    public final AtomicLong firstRateNanos = new AtomicLong();
    public final AtomicLong laterRateResponses = new AtomicLong();
    public final AtomicLong laterRateBytes = new AtomicLong();
    public final AtomicLong laterRateNanos = new AtomicLong();

    /** The most connections open at once to the destination when one of its HTTP connections opened. */
    public final AtomicLong peakOpen = new AtomicLong();
    /**
     * Settled connections that a pool would have kept for the next request: each carried a single
     * request, and this end closed it first right after (within {@link #CLOSED_AFTER_NANOS} of its
     * last I/O), with no close announced by either message, no HTTP/1.0, no upgrade or tunnel. A
     * connection the server closed, or a pooled one that expired idle, was no choice of the client's;
     * several clients each reusing its own connection count none.
     */
    public final AtomicLong avoidableConnections = new AtomicLong();

    /** Closed this soon after its last I/O: the client closed it once its response was read. */
    static final long CLOSED_AFTER_NANOS = 1_000_000_000L;

    /** Counts a settled outbound HTTP connection that reuse could have spared (see {@link #avoidableConnections}). */
    void connectionSettled(ConnectionRecord r, HttpConnection http) {
        CloseClassification how = r.classification();
        if (r.role() == Role.CLIENT && !r.seenSinceAttach() && !Destinations.OTHER.equals(r.destination().serverAddress)
            && http.requests() == 1 && "1.1".equals(http.version()) && http.closeAnnouncedBy() == null
            && http.stopped() == null && http.webSocket() == null
            && (how == CloseClassification.LOCAL_CLOSE || how == CloseClassification.GRACEFUL)
            && r.endNanos() - r.lastActivityNanos() <= CLOSED_AFTER_NANOS) {
            avoidableConnections.incrementAndGet();
        }
    }

    /**
     * Adds a finished outbound exchange; one without a complete response, or without the times to
     * place it, is left out (a failure's time is not a price of setup).
     */
    public void add(ConnectionRecord r, HttpExchange e) {
        long requestStart = e.requestStartNanos();
        long responseStart = e.responseStartNanos();
        long responseEnd = e.responseEndNanos();
        // Not "(other)": it holds unrelated destinations, which could not have shared a connection.
        if (r.role() != Role.CLIENT || r.seenSinceAttach() || Destinations.OTHER.equals(r.destination().serverAddress)
            || !e.responseComplete() || e.failure() != null || requestStart == 0L
            || responseStart - requestStart < 0 || responseEnd - responseStart < 0) { // nanoTime: compared by difference
            return;
        }
        boolean first = e.index() == 1; // counted from 1
        if (first) {
            if (requestStart - r.openNanos() < 0) {
                return;
            }
            newExchanges.incrementAndGet();
            newTotalNanos.addAndGet(responseEnd - r.openNanos());
            newSetupNanos.addAndGet(requestStart - r.openNanos());
            if (r.connectEndNanos() != 0L && r.connectEndNanos() - r.openNanos() >= 0) {
                newConnectNanos.addAndGet(r.connectEndNanos() - r.openNanos());
            }
            TlsInfo tls = r.tls().info();
            if (tls != null && tls.error == null) {
                newTlsNanos.addAndGet(tls.durationNanos());
            }
            newFirstByteNanos.addAndGet(responseStart - requestStart);
            newTransferNanos.addAndGet(responseEnd - responseStart);
            peakOpen.accumulateAndGet(r.concurrentAtOpen(), Math::max);
        } else {
            reusedExchanges.incrementAndGet();
            reusedTotalNanos.addAndGet(responseEnd - requestStart);
            reusedFirstByteNanos.addAndGet(responseStart - requestStart);
            reusedTransferNanos.addAndGet(responseEnd - responseStart);
        }
        long bytes = e.responseBodyBytes();
        if (bytes >= RATE_MIN_BYTES && responseEnd != responseStart) {
            (first ? firstRateResponses : laterRateResponses).incrementAndGet();
            (first ? firstRateBytes : laterRateBytes).addAndGet(bytes);
            (first ? firstRateNanos : laterRateNanos).addAndGet(responseEnd - responseStart);
        }
    }
}
