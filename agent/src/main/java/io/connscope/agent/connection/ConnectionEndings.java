package io.connscope.agent.connection;

import java.util.List;

import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.runtime.AgentLog;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * How connections stop being followed: a close (with what it did: input left unread, SO_LINGER 0, a
 * connect abandoned), a socket garbage-collected while open, the JVM's exit, and the settling of an
 * ended record on the pipeline's clock.
 */
final class ConnectionEndings implements Housekeeping {

    /** error.type of a non-blocking connect that was closed before it completed. */
    static final String CONNECT_ABANDONED = "connect_abandoned";

    private final ConnectionRegistry registry;
    private final WireAnalysis http;
    private final EngineTls engineTls;
    private final FinishedSink finished;
    /**
     * Ended connections waiting to be settled, in the order they ended. Bounded by the registry, which
     * holds each of them until it is settled.
     */
    private final ConcurrentLinkedQueue<ConnectionRecord> ended = new ConcurrentLinkedQueue<>();

    ConnectionEndings(ConnectionRegistry registry, WireAnalysis http, EngineTls engineTls, FinishedSink finished) {
        this.registry = registry;
        this.http = http;
        this.engineTls = engineTls;
        this.finished = finished;
    }

    /** A socket or channel is being closed: its record ends, with what the close did (unread input, SO_LINGER 0). */
    void closing(Object key) {
        ConnectionRecord r = registry.get(key);
        if (r == null || r.isFinished()) {
            return;
        }
        if (r.connectEndNanos == 0L) {
            if (r.finishingConnect == Thread.currentThread()) {
                return; // finishConnect() failed and is closing the channel; its exit reports the failure
            }
            registry.remove(key);
            long now = System.nanoTime();
            r.connectError = CONNECT_ABANDONED;
            r.connectEndNanos = now;
            finish(r, now);
            return;
        }
        // The record stays findable until it is settled (see settle()).
        int unread = key instanceof Socket ? unreadInput((Socket) key, r) : 0;
        if (unread > 0) {
            r.unreadAtEnd = unread;
            r.events.add(ConnectionEvent.UNREAD_AT_CLOSE);
        }
        if (r.lingerSeconds == 0) {
            r.closedWithLingerZero = true;
            r.events.add(ConnectionEvent.LINGER_ZERO_CLOSE);
        }
        r.events.add(ConnectionEvent.CLOSE);
        http.attemptFailed(r, key, "closed");
        finish(r, System.nanoTime());
    }

    /**
     * Whether to ask, at exit, what input waits unread: it tells a response left unread from one still
     * arriving (see WireAnalysis.end). Only for a client's HTTP connection with a response in flight, on a
     * socket of the JDK's own class (no application override runs on the exit's thread); never an
     * SSLSocket, whose input stream takes a lock a stalled handshake may hold.
     */
    private static boolean responseWaiting(Object key, ConnectionRecord r) {
        HttpConnection http = r.http();
        return key != null && key.getClass() == Socket.class && r.role == Role.CLIENT && http != null && http.inFlight();
    }

    /** Bytes the peer sent that were never read: closing now makes the kernel answer with RST. */
    private static int unreadInput(Socket s, ConnectionRecord r) {
        if (r.events.contains(ConnectionEvent.EOF) || r.events.contains(ConnectionEvent.SHUTDOWN_INPUT)
            || s.isClosed() || s.isInputShutdown()) {
            return 0;
        }
        try {
            return s.getInputStream().available();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Ends a record once: its destination counts it, and it waits to be settled. */
    void finish(ConnectionRecord r, long now) {
        finish(r, now, 0);
    }

    /** Ends a record once, with the input found unread at exit when this call is the one that ends it. */
    private void finish(ConnectionRecord r, long now, int unreadAtExit) {
        if (r.finish(now)) {
            if (unreadAtExit > 0 && !r.events.contains(ConnectionEvent.CLOSE)) { // else a close on its way measured it
                r.unreadAtEnd = unreadAtExit;
            }
            engineTls.connectionEnded(r, now);
            r.destination.stats.addEnded(r, r.classification());
            ended.add(r);
        }
    }

    @Override
    public void settle(long now, boolean everything) {
        try {
            expungeCollected(now);
        } catch (RuntimeException e) {
            AgentLog.once("expunge-failed", "checking for collected sockets failed: " + e, e);
        }
        ConnectionRecord r;
        while ((r = ended.peek()) != null && (everything || now - r.endNanos >= SETTLE_NANOS)) {
            ended.poll();
            try {
                release(r);
            } catch (RuntimeException e) {
                // Its analysis is incomplete; the connection itself is still reported.
                AgentLog.once("settle-failed", "settling an ended connection failed (the others are settled): " + e, e);
            }
            finished.connection(r);
        }
    }

    /** Ends connections whose socket was garbage-collected without close. */
    private void expungeCollected(long now) {
        for (ConnectionRecord r : registry.collected()) {
            if (!r.isFinished()) {
                r.events.add(ConnectionEvent.COLLECTED);
                finish(r, now);
            }
        }
    }

    /**
     * Settles a connection that ended a while ago: stops tracking it, adds the bytes counted since it
     * ended, and completes its HTTP analysis (its last exchanges go to the sink).
     */
    private void release(ConnectionRecord r) {
        registry.release(r);
        r.destination.stats.addLateBytes(r);
        http.end(r);
        HttpConnection http = r.http();
        if (http != null) {
            r.destination.stats.addHttp(r, http);
        }
    }

    @Override
    public List<ConnectionRecord> open() {
        List<ConnectionRecord> open = registry.open();
        open.removeIf(ConnectionRecord::isFinished);
        return open;
    }

    @Override
    public void endAllOpen(long now) {
        registry.forEachOpen((key, r) -> {
            if (!r.isFinished()) {
                finish(r, now, responseWaiting(key, r) ? unreadInput((Socket) key, r) : 0);
            }
        });
    }
}
