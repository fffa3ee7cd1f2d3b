package io.connscope.agent.connection;

import io.connscope.agent.http.HttpConnection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * Everything connscope knows about one TCP connection. Identity fields are set once when the
 * connection is registered; counters are updated lock-free and allocation-free by the I/O threads.
 * The record never references the socket object, so the socket stays collectable.
 */
public final class ConnectionRecord {

    private static final VarHandle BYTES_READ;
    private static final VarHandle BYTES_WRITTEN;
    private static final VarHandle READS;
    private static final VarHandle WRITES;
    private static final VarHandle FINISHED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BYTES_READ = l.findVarHandle(ConnectionRecord.class, "bytesRead", long.class);
            BYTES_WRITTEN = l.findVarHandle(ConnectionRecord.class, "bytesWritten", long.class);
            READS = l.findVarHandle(ConnectionRecord.class, "reads", long.class);
            WRITES = l.findVarHandle(ConnectionRecord.class, "writes", long.class);
            FINISHED = l.findVarHandle(ConnectionRecord.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public final long id;
    public final Role role;
    /** "socket" or "channel": which JDK API carries the connection. */
    public final String api;
    public final Destination destination;
    /** Connect start (client) or accept time (server), System.nanoTime(). */
    public final long openNanos;

    public volatile String peerAddress;
    public volatile int peerPort;
    public volatile String localAddress;
    public volatile int localPort;

    /** 0 while a non-blocking connect is pending. */
    public volatile long connectEndNanos;
    /** Already open when connscope was attached: followed since its first I/O after that. */
    public volatile boolean seenSinceAttach;
    /** The thread inside finishConnect() for this pending connect, else null. */
    public volatile Thread finishingConnect;
    /** Exception class of a failed connect, else null. */
    public volatile String connectError;
    /** Its message (which may quote a host name: escaped, and cut to {@link #MAX_ERROR_MESSAGE}), else null. */
    public volatile String connectErrorMessage;
    public static final int MAX_ERROR_MESSAGE = 500;
    public volatile TlsInfo tls;
    public volatile int tlsHandshakes;

    private volatile long bytesRead;
    private volatile long bytesWritten;
    private volatile long reads;
    private volatile long writes;
    public volatile long firstReadNanos;
    public volatile long firstWriteNanos;
    public volatile long lastReadNanos;
    public volatile long lastWriteNanos;

    /** Nagle and delayed-ACK evidence, kept on the client side only, where a read after writes is their answer. */
    public final NagleEvidence nagle;

    /** Unread input bytes when this side closed (a RST follows), or 0. */
    public volatile int unreadAtClose;
    /** SO_LINGER: seconds, or negative for off (the default), as read when followed and as set after. */
    public volatile int lingerSeconds = -1;
    /** Closed with SO_LINGER 0: kept apart from the event log, whose last slot a later event can take. */
    public volatile boolean closedWithLingerZero;
    /** Whose FIN went first as the kernel told it, once looked up (diagnosis' slot, export thread); 0 until then. */
    public volatile int closeOrderFromKernel;
    /** When a reset was first seen, System.nanoTime(), or 0. */
    public volatile long resetNanos;
    /** When this end's SSLEngine read the peer's close_notify (it ended the TLS session), or 0. */
    public volatile long peerCloseNotifyNanos;
    /** When this end first read the peer's end of stream (its FIN), System.nanoTime(), or 0. */
    public volatile long eofNanos;
    /**
     * Whether this end's SSLEngine wrapped application data after the peer ended its side (its
     * close_notify, or its end of stream): a reset could then destroy it.
     */
    public volatile boolean wroteAfterPeerEnded;
    /** Connections open to this destination when this one was established, itself included (client role). */
    public volatile long concurrentAtOpen;
    /**
     * For a full TLS handshake that began once an earlier handshake to this destination had ended
     * (a session existed to resume): how many such there were then, this one included; else 0.
     * And the resumed handshakes to the destination by then.
     */
    public volatile long tlsFullWithSessionToDestination;
    /** The same, counting only handshakes from this one's session cache (0 when its cache is not known). */
    public volatile long tlsFullWithSessionInCache;
    /** How many session caches (SSLContexts) handshakes to the destination came from, as of this one; 0 if unknown. */
    public volatile int tlsCachesToDestination;
    public volatile long tlsResumedToDestination;
    /** Where the application opened the connection ("Class.method:line < …"), when captured. */
    public volatile String openedAt;
    /**
     * True when {@link #openedAt} was not captured for this connection but is its destination's
     * latest captured site: the destination opened connections faster than call sites are captured.
     */
    public volatile boolean openedAtInferred;

    /** TCP_NODELAY as last set; sockets start with it off. */
    public volatile boolean noDelay;
    /** True once TCP_NODELAY was changed after data had already been written. */
    public volatile boolean noDelayChangedAfterFirstWrite;

    public final EventLog events = new EventLog();
    /** The HTTP/1.x analysis of this connection's bytes; null once it failed. */
    public volatile HttpConnection http;
    /** A TLS socket: its HTTP is analysed from the plaintext streams, not from the TCP bytes. */
    public volatile boolean tlsPlaintext;
    public volatile long endNanos;
    private volatile boolean finished;
    /** The registry key objects for this record, cleared when the connection is closed. */
    volatile Object registryKey;
    volatile Object registryAlias;
    /** The SSLEngine whose plaintext this connection carries, as a registry key, or null. */
    volatile Object registryEngine;
    /** The first bytes toward the server have been looked at for a TLS ClientHello. */
    public volatile boolean firstRequestBytesSeen;
    /** The ClientHello this connection carried while it waits for the engine that wrapped or unwraps it. */
    volatile ClientHelloId clientHello;
    /** When the SSLEngine handshake on this connection started (System.nanoTime), or 0. */
    public volatile long engineHandshakeStartNanos;
    /** The same moment by the wall clock, which SSLSession.getCreationTime() uses. */
    public volatile long engineHandshakeStartEpochMillis;
    /** The identity of the SSLEngine session last seen finishing a handshake. */
    public volatile int engineSession;
    /** What the ServerHello said of resumption, read from an engine's ciphertext; null until one is read. */
    volatile ServerHello.Resumption serverHelloResumption;

    public ConnectionRecord(long id, Role role, String api, Destination destination, long openNanos) {
        this(id, role, api, destination, openNanos, NagleBand.DEFAULT);
    }

    /** @param nagleBand what counts as a Nagle stall (client connections keep their evidence against it) */
    public ConnectionRecord(long id, Role role, String api, Destination destination, long openNanos, NagleBand nagleBand) {
        this.id = id;
        this.role = role;
        this.api = api;
        this.destination = destination;
        this.openNanos = openNanos;
        this.nagle = role == Role.CLIENT ? new NagleEvidence(nagleBand) : null;
    }

    // ---- hot path ----

    public void onRead(long n, long now) {
        if (n < 0) {
            if (!events.contains(ConnectionEvent.EOF)) {
                eofNanos = now;
                events.add(ConnectionEvent.EOF);
            }
            return;
        }
        READS.getAndAdd(this, 1L);
        if (n > 0) {
            BYTES_READ.getAndAdd(this, n);
            if (firstReadNanos == 0L) {
                firstReadNanos = now;
                events.add(ConnectionEvent.FIRST_READ);
            }
            lastReadNanos = now;
            if (nagle != null && nagle.awaitingAnswer()) {
                nagle.answered(now - lastWriteNanos, noDelay);
            }
        }
    }

    public void onWrite(long n, long now) {
        WRITES.getAndAdd(this, 1L);
        if (n > 0) {
            BYTES_WRITTEN.getAndAdd(this, n);
            if (firstWriteNanos == 0L) {
                firstWriteNanos = now;
                events.add(ConnectionEvent.FIRST_WRITE);
            }
            lastWriteNanos = now;
            if (nagle != null) {
                nagle.written(n);
            }
        }
    }

    // ---- lifecycle ----

    public void onNoDelay(boolean on) {
        if (firstWriteNanos != 0L && on != noDelay) {
            noDelayChangedAfterFirstWrite = true;
        }
        noDelay = on;
        events.add(on ? ConnectionEvent.NODELAY_ON : ConnectionEvent.NODELAY_OFF);
    }

    /** Bytes already added to the destination totals when the connection ended. */
    volatile long accountedReceived;
    volatile long accountedSent;

    public boolean isFinished() {
        return finished;
    }

    /** Marks the record finished; true only for the first caller, so a connection is reported once. */
    public boolean finish(long now) {
        if (FINISHED.compareAndSet(this, false, true)) {
            endNanos = now;
            return true;
        }
        return false;
    }

    public long bytesRead() {
        return bytesRead;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public long reads() {
        return reads;
    }

    public long writes() {
        return writes;
    }

    /** TCP_NODELAY was on before the first byte was written (or nothing was written with it off). */
    public boolean noDelaySetBeforeFirstWrite() {
        return noDelay && !noDelayChangedAfterFirstWrite;
    }

    public long lastActivityNanos() {
        return Math.max(Math.max(lastReadNanos, lastWriteNanos), connectEndNanos);
    }

    public CloseClassification classification() {
        if (connectError != null) {
            return CloseClassification.CONNECT_FAILED;
        }
        CloseClassification c = CloseClassification.classify(events.events());
        return closedWithLingerZero && c != CloseClassification.RESET ? CloseClassification.ABORTIVE : c;
    }

    public String initiator() {
        return CloseClassification.initiator(events.events());
    }

    /** The event order as labels, e.g. "connect,first-write,shutdown-output,eof,close". */
    public String sequence() {
        List<ConnectionEvent> list = events.events();
        StringBuilder sb = new StringBuilder();
        for (ConnectionEvent e : list) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.label());
        }
        return sb.toString();
    }
}
