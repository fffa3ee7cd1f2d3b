package io.connscope.agent.connection;

import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.instrument.JdkInternals;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.ProtocolSniffer;
import io.connscope.agent.wire.WireAnalyser;
import io.connscope.agent.wire.WireProtocol;
import io.connscope.bridge.Bridge;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analysis of the tracked connections' bytes: it starts each connection's analysis (HTTP, with
 * its share of the analysis memory budget, until the first bytes show one of the other registered
 * protocols), hands it the bytes while it wants them, wires what it finds to resend detection and to
 * the rules and export, and stops it for that connection alone when it fails.
 */
public final class WireAnalysis {

    static final String VECTORED_NOT_ANALYSED = "vectored I/O positions unavailable";
    /** Netty's native writev without Unsafe, or native memory connscope cannot read. */
    static final String BYTES_UNREADABLE = "bytes not readable where they were written";

    private final FinishedSink finished;
    private final ResendDetector resends;
    private final JdkInternals jdk;
    private final AnalysisMemory memory;
    /** The protocols other than HTTP, each tried on every connection's first bytes. */
    private final List<WireProtocol> protocols;
    private final AtomicLong failures = new AtomicLong();

    WireAnalysis(FinishedSink finished, ResendDetector resends, JdkInternals jdk, AnalysisMemory memory,
                 List<WireProtocol> protocols) {
        this.finished = finished;
        this.resends = resends;
        this.jdk = jdk;
        this.memory = memory;
        this.protocols = List.copyOf(protocols);
    }

    /**
     * Hands bytes to the connection's analysis while it still wants them, with when they were read
     * or written. A failure of the analysis only ends the analysis of that connection; counting goes on.
     */
    void feed(ConnectionRecord r, boolean requests, Object data, int offset, long n, long nanos) {
        feed(r, requests, data, offset, n, nanos, false);
    }

    /**
     * As {@link #feed(ConnectionRecord, boolean, Object, int, long, long)}; {@code tcpBytes} when the
     * bytes are the connection's own, not a TLS layer's plaintext. Those are dropped once the connection
     * is known to carry TLS: a read racing the switch to the SSLEngine's plaintext (its check made
     * before the ClientHello was seen) must not hand ciphertext to the analysis made for the plaintext.
     * The switch marks the connection before it installs that analysis, so whoever reads the new one
     * here also sees the mark.
     */
    void feed(ConnectionRecord r, boolean requests, Object data, int offset, long n, long nanos, boolean tcpBytes) {
        // The sniffer first: a choice sets the new analysis before it clears the sniffer, so once no
        // sniffer is seen, the analysis read next is the chosen one.
        ProtocolSniffer sniffer = r.sniffer;
        WireAnalyser wire = r.wire;
        if (wire == null || wire.done() || tcpBytes && r.tls().plaintext) {
            return;
        }
        try {
            // The boundary: the hook's bytes become the one view every analyser reads (see WireBytes).
            if (data instanceof byte[]) {
                deliver(r, sniffer, wire, requests, data, offset, (int) n, nanos);
            } else if (data instanceof ByteBuffer) {
                ByteBuffer buffer = (ByteBuffer) data;
                deliver(r, sniffer, wire, requests, buffer,
                    offset == Bridge.BEFORE_POSITION ? buffer.position() - (int) n : offset, (int) n, nanos);
            } else if (data instanceof ByteBuffer[]) {
                feedVectored(r, wire, requests, (ByteBuffer[]) data, offset, n, nanos);
            } else {
                wire.stop(BYTES_UNREADABLE);
            }
        } catch (RuntimeException e) {
            analysisFailed(r, e);
        }
    }

    /** Bytes in the one view, to the connection's analysis: once its protocol is known, directly. */
    private void deliver(ConnectionRecord r, ProtocolSniffer sniffer, WireAnalyser wire, boolean requests, Object data,
                         int from, int len, long nanos) {
        if (sniffer != null) {
            sniff(r, sniffer, requests, data, from, len, nanos);
        } else {
            wire.feed(requests, data, from, len, nanos);
        }
    }

    /**
     * The connection's first bytes: kept until the protocol can be told, then fed to the analysis of
     * the protocol that claimed them, which replaces the HTTP analysis, or to the HTTP analysis. Once
     * per connection, under the sniffer's lock, so that the two sides' first bytes, read and written on
     * two threads at once, are judged together and fed in order.
     */
    private void sniff(ConnectionRecord r, ProtocolSniffer sniffer, boolean requests, Object data, int from, int len,
                       long nanos) {
        synchronized (sniffer) {
            if (r.sniffer != sniffer) { // the other side's thread decided meanwhile
                WireAnalyser wire = r.wire;
                if (wire != null) {
                    wire.feed(requests, data, from, len, nanos);
                }
                return;
            }
            if (!sniffer.offer(requests, data, from, len)) {
                return; // kept, to be judged with the next bytes
            }
            WireProtocol chosen = sniffer.chosen();
            if (chosen != null) {
                WireAnalyser http = r.wire;
                r.wire = chosen.start(exchange -> finished.exchange(r, exchange), memory.lease());
                if (http != null) {
                    http.abandon();
                }
            }
            WireAnalyser wire = r.wire;
            sniffer.replay(wire);
            wire.feed(requests, data, from, len, nanos);
            if (r.sniffer == sniffer) {
                r.sniffer = null;
            }
        }
    }

    /**
     * Starts (or starts over) the connection's analysis: HTTP, with its share of the analysis memory
     * budget, while its first bytes may still show another protocol. A connection adopted after an
     * attach is HTTP's, as before: its first bytes seen are not its first.
     */
    void start(ConnectionRecord r, Object key) {
        ProtocolSniffer telling = r.sniffer;
        if (telling == null) {
            startOver(r, key);
        } else {
            synchronized (telling) { // not while the other side's thread is telling the protocol
                startOver(r, key);
            }
        }
    }

    private void startOver(ConnectionRecord r, Object key) {
        WireAnalyser earlier = r.wire;
        r.wire = new HttpConnection(new Exchanges(r, key), memory.lease());
        r.sniffer = protocols.isEmpty() || r.seenSinceAttach ? null : new ProtocolSniffer(protocols);
        if (earlier != null) {
            earlier.abandon();
        }
    }

    /**
     * The connection ended: bytes still kept to tell its protocol go to the HTTP analysis, and its
     * analysis settles what was open as of the end. On the pipeline thread, as the connection settles.
     */
    void end(ConnectionRecord r) {
        ProtocolSniffer sniffer = r.sniffer;
        try {
            if (sniffer != null) {
                synchronized (sniffer) {
                    WireAnalyser wire = r.wire;
                    if (r.sniffer == sniffer && wire != null) {
                        sniffer.replay(wire);
                    }
                    r.sniffer = null;
                }
            }
            WireAnalyser wire = r.wire;
            if (wire instanceof HttpConnection && leftUnread(r)) {
                ((HttpConnection) wire).responseLeftUnread();
            }
            if (wire != null) {
                wire.end(r.endNanos);
            }
        } catch (RuntimeException e) {
            analysisFailed(r, e);
        }
    }

    /** How long a connection open at exit must have read nothing for its input waiting to count as left unread. */
    static final long LEFT_UNREAD_AT_EXIT_NANOS = 1_000_000_000L;

    /**
     * Whether a client let go of its connection with input it never read: it closed it with bytes waiting
     * unread, or the JVM exited with bytes waiting and nothing read for a second, or its socket was
     * garbage-collected, never closed (no thread was reading it then). A response then in flight was left
     * unread by the application; the server did not cut it, since no end of stream or reset was read
     * first. A read that had failed (a timeout) makes it the server's stall instead (HttpConnection).
     */
    private static boolean leftUnread(ConnectionRecord r) {
        EventLog events = r.events;
        if (r.role != Role.CLIENT || events.contains(ConnectionEvent.EOF) || events.contains(ConnectionEvent.RESET_ON_READ)
            || events.contains(ConnectionEvent.RESET_ON_WRITE)) {
            return false;
        }
        if (events.contains(ConnectionEvent.COLLECTED)) {
            return true;
        }
        // Open at exit: bytes queued between two reads of a download still in progress are no sign; a second
        // with nothing read is.
        boolean open = !events.contains(ConnectionEvent.CLOSE);
        return r.unreadAtEnd > 0 && (!open || r.endNanos - r.lastActivityNanos() >= LEFT_UNREAD_AT_EXIT_NANOS);
    }

    /** Where a connection's HTTP analysis reports: requests to resend detection, exchanges to the rules and export. */
    private final class Exchanges implements HttpConnection.ExchangeSink {
        private final ConnectionRecord r;
        /** The channel, for the selector that names its client; weak, so the record never keeps it alive. */
        private final WeakReference<Object> channel;

        Exchanges(ConnectionRecord r, Object key) {
            this.r = r;
            this.channel = key instanceof SelectableChannel ? new WeakReference<>(key) : null;
        }

        @Override
        public void finished(HttpExchange exchange) {
            if (r.nagle != null && exchange.responseHeadNanos() != 0L && exchange.responseBodyBytes() > 0) {
                r.nagle.response(exchange.responseBodyWaitNanos(), r.lastWriteNanos > exchange.responseHeadNanos());
            }
            finished.exchange(r, exchange);
        }

        @Override
        public void requestStarted(HttpExchange exchange) {
            if (r.role != Role.CLIENT) {
                return;
            }
            Object key = channel == null ? null : channel.get();
            // The client is named only when the request may be a resend: naming it costs a string.
            String client = null;
            if (resends.mayBeResend(exchange)) {
                client = clientOf(key);
                resends.requestStarted(exchange, r.id, r.destination.key, client, System.nanoTime());
            }
            // The peer's end of stream can be read (on another thread) before the writer's hook has seen
            // the request it answers: the request then failed already.
            String ended = r.events.contains(ConnectionEvent.EOF) ? "eof"
                : r.events.contains(ConnectionEvent.RESET_ON_READ) || r.events.contains(ConnectionEvent.RESET_ON_WRITE)
                    ? "connection_reset" : r.isFinished() ? "closed" : null;
            HttpConnection http = r.http();
            if (ended != null && http != null) {
                resends.attemptFailed(http, r.id, r.destination.key, client != null ? client : clientOf(key), ended,
                    System.nanoTime());
            }
        }
    }

    /**
     * A client connection failed (end of stream, reset, close): a request on it still waiting for
     * its response is a failed attempt that a repeat of the same request resends.
     */
    void attemptFailed(ConnectionRecord r, Object key, String failure) {
        HttpConnection http = r.http();
        if (http != null && r.role == Role.CLIENT) {
            resends.attemptFailed(http, r.id, r.destination.key, clientOf(key), failure, System.nanoTime());
        }
    }

    /**
     * Who sends the requests on a connection, for resend detection: for a channel the selector it is
     * registered with (one per java.net.http client, whose requests are written from several
     * threads, the caller's included), for a socket the current thread.
     */
    private String clientOf(Object key) {
        if (!(key instanceof SelectableChannel)) {
            return ResendDetector.clientOf(Thread.currentThread());
        }
        Selector selector = jdk.selectorOf(key);
        return selector == null ? ResendDetector.UNREGISTERED_CHANNEL
            : ResendDetector.CHANNEL_CLIENT + Integer.toHexString(System.identityHashCode(selector));
    }

    /**
     * Each buffer's bytes moved from its position before the call to its position now. The first
     * buffers may choose the connection's protocol, so each buffer goes to the analysis of then.
     */
    private void feedVectored(ConnectionRecord r, WireAnalyser wire, boolean requests, ByteBuffer[] buffers,
                              int offset, long n, long nanos) {
        int[] before = Bridge.vectoredPositions();
        if (before == null) {
            wire.stop(VECTORED_NOT_ANALYSED);
            return;
        }
        long left = n;
        for (int i = 0; i < before[0] && left > 0; i++) {
            ByteBuffer b = buffers[offset + i];
            int moved = b.position() - before[i + 1];
            if (moved > 0) {
                ProtocolSniffer sniffer = r.sniffer; // read before the analysis, as in feed
                WireAnalyser current = r.wire;
                if (current == null) {
                    return;
                }
                deliver(r, sniffer, current, requests, b, before[i + 1], moved, nanos);
                left -= moved;
            }
        }
    }

    private void analysisFailed(ConnectionRecord r, RuntimeException e) {
        WireAnalyser failed = r.wire;
        r.wire = null;
        r.sniffer = null;
        if (failed != null) {
            failed.abandon();
        }
        failures.incrementAndGet();
        AgentLog.once("http-analysis-failed", "The analysis of a connection's bytes failed and was stopped for it"
            + " (counting goes on; the application is not affected): " + e, e);
    }

    /** Failed request attempts that resend detection could not remember (it was full). */
    public long resendsForgotten() {
        return resends.forgotten();
    }

    /** Connections whose analysis failed internally and was stopped. */
    public long failures() {
        return failures.get();
    }
}
