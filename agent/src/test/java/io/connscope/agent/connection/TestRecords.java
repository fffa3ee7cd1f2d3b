package io.connscope.agent.connection;

import io.connscope.agent.http.HttpConnection;

/**
 * For tests in other packages: sets what lifecycle tracking would have recorded on a connection,
 * so that a rule or a sink can be tested on exactly the facts it reads.
 */
public final class TestRecords {

    private TestRecords() {
    }

    public static void connectEndNanos(ConnectionRecord r, long at) {
        r.connectEndNanos = at;
    }

    public static void connectError(ConnectionRecord r, String type) {
        r.connectError = type;
    }

    public static void connectErrorMessage(ConnectionRecord r, String message) {
        r.connectErrorMessage = message;
    }

    public static void closedWithLingerZero(ConnectionRecord r, boolean closed) {
        r.closedWithLingerZero = closed;
    }

    public static void unreadAtEnd(ConnectionRecord r, int bytes) {
        r.unreadAtEnd = bytes;
    }

    public static void resetNanos(ConnectionRecord r, long at) {
        r.resetNanos = at;
    }

    public static void concurrentAtOpen(ConnectionRecord r, long open) {
        r.concurrentAtOpen = open;
    }

    public static void openedAt(ConnectionRecord r, String site) {
        r.openedAt = site;
    }

    public static void openedAtInferred(ConnectionRecord r, boolean inferred) {
        r.openedAtInferred = inferred;
    }

    public static void noDelay(ConnectionRecord r, boolean on) {
        r.noDelay = on;
    }

    public static void http(ConnectionRecord r, HttpConnection http) {
        r.wire = http;
    }

    public static void tls(ConnectionRecord r, TlsInfo info) {
        TlsFacts.of(r).info = info;
    }

    public static void tlsHistory(ConnectionRecord r, long fullWithSessionToDestination, long resumedToDestination) {
        TlsFacts.of(r).fullWithSessionToDestination = fullWithSessionToDestination;
        TlsFacts.of(r).resumedToDestination = resumedToDestination;
    }

    public static void tlsCachesToDestination(ConnectionRecord r, int caches) {
        TlsFacts.of(r).cachesToDestination = caches;
    }

    public static void tlsFullWithSessionInCache(ConnectionRecord r, long full) {
        TlsFacts.of(r).fullWithSessionInCache = full;
    }

    public static void peerCloseNotifyNanos(ConnectionRecord r, long at) {
        TlsFacts.of(r).peerCloseNotifyNanos = at;
    }

    public static void wroteAfterPeerEnded(ConnectionRecord r, boolean wrote) {
        TlsFacts.of(r).wroteAfterPeerEnded = wrote;
    }

    public static void engineHandshakeStartNanos(ConnectionRecord r, long at) {
        TlsFacts.of(r).engineHandshakeStartNanos = at;
    }

    /** As the kernel would have told it: {@link KernelCloseOrder#THIS_SIDE}, {@code PEER} or {@code UNKNOWN}. */
    public static void kernelCloseOrder(ConnectionRecord r, int order) {
        r.kernelCloseOrder = order;
    }
}
