package io.connscope.agent.connection;

import java.util.List;

/**
 * The part of lifecycle tracking that runs on the pipeline's clock instead of on application threads,
 * in the manner of OkHttp's {@code ConnectionPool.cleanup(now)}: the caller passes the time, so each
 * step can be tested without waiting. What it settles goes to the {@link FinishedSink}, as any other
 * hook's result does: nothing is returned to the caller.
 */
public interface Housekeeping {

    /** How long an ended connection waits before it is settled (see {@link #settle}). */
    long SETTLE_NANOS = 200_000_000L;

    /**
     * Ends the connections whose socket was garbage-collected while open, then settles each connection
     * that ended at least {@link #SETTLE_NANOS} before {@code nowNanos} (all of them when
     * {@code everything}): its record leaves the registry, the bytes counted since it ended are added,
     * and its HTTP analysis completes. Its last exchanges, then the connection itself, go to the
     * sink. The wait is there because the thread that wrote a connection's last bytes may still be in
     * its hook when another thread closes it.
     */
    void settle(long nowNanos, boolean everything);

    /** Ends every connection still open, as open at exit; {@link #settle} then settles them. */
    void endAllOpen(long nowNanos);

    /** The connections open now (a new list), for describing them while they live. */
    List<ConnectionRecord> open();
}
