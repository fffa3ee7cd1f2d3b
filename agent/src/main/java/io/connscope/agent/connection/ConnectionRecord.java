package io.connscope.agent.connection;

import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.wire.ProtocolSniffer;
import io.connscope.agent.wire.WireAnalyser;
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

    final long id;
    final Role role;
    /** "socket" or "channel": which JDK API carries the connection. */
    final String api;
    final Destination destination;
    /** Connect start (client) or accept time (server), System.nanoTime(). */
    final long openNanos;

    volatile String peerAddress;
    volatile int peerPort;
    volatile String localAddress;
    volatile int localPort;

    /** 0 while a non-blocking connect is pending. */
    volatile long connectEndNanos;
    /** Already open when connscope was attached: followed since its first I/O after that. */
    volatile boolean seenSinceAttach;
    /** The thread inside finishConnect() for this pending connect, else null. */
    volatile Thread finishingConnect;
    /** Exception class of a failed connect, else null. */
    volatile String connectError;
    /** Its message (which may quote a host name: escaped, and cut to {@link #MAX_ERROR_MESSAGE}), else null. */
    volatile String connectErrorMessage;
    public static final int MAX_ERROR_MESSAGE = 500;
    private volatile long bytesRead;
    private volatile long bytesWritten;
    private volatile long reads;
    private volatile long writes;
    volatile long firstReadNanos;
    volatile long firstWriteNanos;
    volatile long lastReadNanos;
    volatile long lastWriteNanos;
    /** Nagle and delayed-ACK evidence, kept on the client side only, where a read after writes is their answer. */
    final NagleEvidence nagle;

    /** Unread input bytes when this side closed (a RST follows) or the JVM exited with it open, or 0. */
    volatile int unreadAtEnd;
    /** SO_LINGER: seconds, or negative for off (the default), as read when followed and as set after. */
    volatile int lingerSeconds = -1;
    /** Closed with SO_LINGER 0: kept apart from the event log, whose last slot a later event can take. */
    volatile boolean closedWithLingerZero;
    /** Whose FIN went first as the kernel told it, once looked up (see {@link #kernelCloseOrder()}); 0 until then. */
    volatile int kernelCloseOrder;
    /** When a reset was first seen, System.nanoTime(), or 0. */
    volatile long resetNanos;
    /** When this end first read the peer's end of stream (its FIN), System.nanoTime(), or 0. */
    volatile long eofNanos;
    /** Connections open to this destination when this one was established, itself included (client role). */
    volatile long concurrentAtOpen;
    /** Where the application opened the connection ("Class.method:line < …"), when captured. */
    volatile String openedAt;
    /** {@link #openedAt} is its destination's latest captured site, not this one's (opened faster than captured). */
    volatile boolean openedAtInferred;
    /** How its destination's name became its address (client role, connected by name), else null. */
    volatile NameResolution resolution;

    /** TCP_NODELAY as last set; sockets start with it off. */
    volatile boolean noDelay;
    /** True once TCP_NODELAY was changed after data had already been written. */
    volatile boolean noDelayChangedAfterFirstWrite;
    final EventLog events = new EventLog();
    /** The analysis of this connection's bytes; null when there is none, or once it failed. */
    volatile WireAnalyser wire;
    /** Tells the connection's protocol from its first bytes; null once told, or with no protocol but HTTP. */
    volatile ProtocolSniffer sniffer;
    /** What TLS did on this connection: made by the first TLS hook to see it ({@link TlsFacts#of}), null on plain ones. */
    volatile TlsFacts tls;
    /** The first bytes toward the server have been looked at for a TLS ClientHello. */
    volatile boolean firstRequestBytesSeen;
    volatile long endNanos;
    private volatile boolean finished;
    /** The registry key objects for this record, cleared when the connection is closed. */
    volatile Object registryKey;
    volatile Object registryAlias;
    /** The SSLEngine whose plaintext this connection carries, as a registry key, or null. */
    volatile Object registryEngine;

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

    // ---- what the rules and the sinks read ----

    public long id() {
        return id;
    }

    public Role role() {
        return role;
    }

    /** "socket" or "channel": which JDK API carries the connection. */
    public String api() {
        return api;
    }

    public Destination destination() {
        return destination;
    }

    /** Connect start (client) or accept time (server), System.nanoTime(). */
    public long openNanos() {
        return openNanos;
    }

    public String peerAddress() {
        return peerAddress;
    }

    public int peerPort() {
        return peerPort;
    }

    public String localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    /** 0 while a non-blocking connect is pending. */
    public long connectEndNanos() {
        return connectEndNanos;
    }

    /** Already open when connscope was attached: followed since its first I/O after that. */
    public boolean seenSinceAttach() {
        return seenSinceAttach;
    }

    /** Exception class of a failed connect, else null. */
    public String connectError() {
        return connectError;
    }

    /** Its message, escaped and cut short, else null. */
    public String connectErrorMessage() {
        return connectErrorMessage;
    }

    public long firstReadNanos() {
        return firstReadNanos;
    }

    public long firstWriteNanos() {
        return firstWriteNanos;
    }

    /** Nagle and delayed-ACK evidence: client side only, else null. */
    public NagleEvidence nagle() {
        return nagle;
    }

    /** Unread input bytes when this side closed (a RST follows) or the JVM exited with it open, or 0. */
    public int unreadAtEnd() {
        return unreadAtEnd;
    }

    public boolean closedWithLingerZero() {
        return closedWithLingerZero;
    }

    /** When a reset was first seen, System.nanoTime(), or 0. */
    public long resetNanos() {
        return resetNanos;
    }

    /** When this end first read the peer's end of stream, or 0. */
    public long eofNanos() {
        return eofNanos;
    }

    /** Connections open to this destination when this one was established, itself included (client role). */
    public long concurrentAtOpen() {
        return concurrentAtOpen;
    }

    /** Where the application opened the connection, when captured. */
    public String openedAt() {
        return openedAt;
    }

    /** The call site is the destination's latest captured one, not this connection's own. */
    public boolean openedAtInferred() {
        return openedAtInferred;
    }

    public NameResolution resolution() {
        return resolution;
    }

    /** TCP_NODELAY as last set. */
    public boolean noDelay() {
        return noDelay;
    }

    public boolean noDelayChangedAfterFirstWrite() {
        return noDelayChangedAfterFirstWrite;
    }

    public EventLog events() {
        return events;
    }

    /** The analysis of this connection's bytes; null when there is none, or once it failed. */
    public WireAnalyser wire() {
        return wire;
    }

    /** The HTTP view of this connection's bytes (HTTP/1.x, and the HTTP/2, gRPC or WebSocket it switched to), or null. */
    public HttpConnection http() {
        WireAnalyser w = wire;
        return w instanceof HttpConnection ? (HttpConnection) w : null;
    }

    /** When the connection ended (System.nanoTime()), or 0 while open. */
    public long endNanos() {
        return endNanos;
    }

    /** What TLS did on this connection; {@link TlsFacts#NONE} when no TLS was seen. */
    public TlsFacts tls() {
        return tls != null ? tls : TlsFacts.NONE; // set once, never reset: both reads see it
    }

    /**
     * Whose FIN went first, as the kernel tells it ({@link KernelCloseOrder}): looked up once, on the
     * pipeline thread, for a connection this side closed before reading the peer's end of stream.
     */
    public int kernelCloseOrder() {
        int known = kernelCloseOrder;
        if (known == 0) {
            known = KernelCloseOrder.lookUp(this);
            kernelCloseOrder = known;
        }
        return known;
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
