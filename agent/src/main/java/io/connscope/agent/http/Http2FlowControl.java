package io.connscope.agent.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * HTTP/2 flow control on one connection (RFC 9113 §5.2, §6.9), for each sender: its connection
 * window (65,535 bytes, grown by WINDOW_UPDATE on stream 0) and its streams' windows (the
 * receiver's SETTINGS_INITIAL_WINDOW_SIZE, grown by WINDOW_UPDATE on the stream), both shrunk by
 * the DATA it sends. A sender whose DATA used a window up without ending its stream, and whose next
 * DATA came promptly after the WINDOW_UPDATE that opened it again, was waiting for it: each such
 * wait is counted, from the DATA that used the window up to the WINDOW_UPDATE. Also the round trip of
 * each PING to its acknowledgement.
 * <p>
 * Each direction's frames arrive on their own thread (a sender's DATA on one, the receiver's
 * WINDOW_UPDATE on the other), so windows move by atomic adds (VarHandles: no object per window). A stream's share lives on its
 * {@link HttpExchange}; a stream not followed has no window here, and its waits are not counted.
 */
public final class Http2FlowControl {

    /** Every window's size before SETTINGS or WINDOW_UPDATE change it (RFC 9113 §6.9.2). */
    public static final long DEFAULT_WINDOW = 65_535;
    /**
     * A sender that resumed later than this after its window opened again may simply have had nothing
     * to send meanwhile: its wait is not counted. On the receiver's side the gap holds a round trip.
     */
    static final long PROMPT_NANOS = 50_000_000L;

    private static final VarHandle CLIENT_NET = handle(HttpExchange.class, "clientWindowNet");
    private static final VarHandle SERVER_NET = handle(HttpExchange.class, "serverWindowNet");
    private static final VarHandle CONNECTION_NET = handle(Sender.class, "connectionNet");

    private final Sender client = new Sender("client");
    private final Sender server = new Sender("server");

    /** What one end sent, and what it waited for. */
    public static final class Sender {
        final String name;
        /** DATA bytes sent less those granted by WINDOW_UPDATE on stream 0 (moved by {@link #CONNECTION_NET}). */
        volatile long connectionNet;
        /** The receiver's SETTINGS_INITIAL_WINDOW_SIZE: each stream's window before DATA and WINDOW_UPDATE. */
        volatile long streamWindow = DEFAULT_WINDOW;
        volatile long connectionExhaustedNanos;
        volatile long connectionReopenedNanos;
        volatile int waits;
        volatile int streamWaits;
        volatile long waitedNanos;
        volatile long longestWaitNanos;
        volatile long dataBytes;
        /** The PING awaiting its acknowledgement: its opaque data, and when it went (0: none). */
        volatile long pingOpaque;
        volatile long pingSentNanos;
        volatile int roundTrips;
        volatile long rttMinNanos;
        volatile long rttMaxNanos;

        Sender(String name) {
            this.name = name;
        }

        /** "client" or "server". */
        public String name() {
            return name;
        }

        /** Times this sender used a window up with more to send and waited for a WINDOW_UPDATE. */
        public int waits() {
            return waits;
        }

        /** Of those, the times a stream's window ran out (the others: the connection's). */
        public int streamWaits() {
            return streamWaits;
        }

        public long waitedNanos() {
            return waitedNanos;
        }

        public long longestWaitNanos() {
            return longestWaitNanos;
        }

        /** The stream window the receiver granted each stream (its SETTINGS_INITIAL_WINDOW_SIZE). */
        public long streamWindow() {
            return streamWindow;
        }

        /** DATA payload bytes sent, padding included: what flow control counts. */
        public long dataBytes() {
            return dataBytes;
        }

        /** PINGs this sender sent that were acknowledged, and their round trips as seen on this host. */
        public int roundTrips() {
            return roundTrips;
        }

        public long rttMinNanos() {
            return rttMinNanos;
        }

        public long rttMaxNanos() {
            return rttMaxNanos;
        }
    }

    public Sender client() {
        return client;
    }

    public Sender server() {
        return server;
    }

    private Sender sender(boolean client) {
        return client ? this.client : server;
    }

    /** SETTINGS_INITIAL_WINDOW_SIZE from one end: the window the other end has on each stream. */
    void initialWindow(boolean fromClient, long size) {
        sender(!fromClient).streamWindow = size;
    }

    /**
     * A DATA frame: {@code length} is its whole payload, padding included (RFC 9113 §6.1), on
     * {@code stream} (null when not followed).
     */
    void data(boolean fromClient, HttpExchange stream, int length, boolean endStream, long now) {
        Sender s = sender(fromClient);
        resumed(s, stream, fromClient, now);
        if (length > 0) {
            // Bytes sent into a window the model has used up and not seen opened again: it missed a grant (a SETTINGS
            // increase, an h2c upgrade's HTTP2-Settings header, frames analysed out of their order), so the pending
            // exhaustion is dropped, and stamped anew below if the window is still used up after this frame.
            if (s.connectionExhaustedNanos != 0L && s.connectionReopenedNanos == 0L) {
                s.connectionExhaustedNanos = 0L;
            }
            if (stream != null && exhausted(stream, fromClient) != 0L && reopened(stream, fromClient) == 0L) {
                setExhausted(stream, fromClient, 0L);
            }
        }
        s.dataBytes += length;
        long connectionWindow = DEFAULT_WINDOW - (long) CONNECTION_NET.getAndAdd(s, (long) length) - length;
        if (!endStream && connectionWindow <= 0 && s.connectionExhaustedNanos == 0L) {
            s.connectionReopenedNanos = 0L; // first: the other thread reopens only what is marked exhausted
            s.connectionExhaustedNanos = now;
        }
        if (stream != null) {
            long streamWindow = s.streamWindow - (long) net(fromClient).getAndAdd(stream, (long) length) - length;
            if (!endStream && streamWindow <= 0 && exhausted(stream, fromClient) == 0L) {
                setReopened(stream, fromClient, 0L);
                setExhausted(stream, fromClient, now);
            }
        }
    }

    /** A WINDOW_UPDATE from one end, for the other's sending: on the connection ({@code stream} null and id 0) or a stream. */
    void windowUpdate(boolean fromClient, boolean connection, HttpExchange stream, long increment, long now) {
        Sender s = sender(!fromClient);
        if (connection) {
            long window = DEFAULT_WINDOW - (long) CONNECTION_NET.getAndAdd(s, -increment) + increment;
            if (window > 0 && s.connectionExhaustedNanos != 0L && s.connectionReopenedNanos == 0L) {
                s.connectionReopenedNanos = now;
            }
        } else if (stream != null) {
            long window = s.streamWindow - (long) net(!fromClient).getAndAdd(stream, -increment) + increment;
            if (window > 0 && exhausted(stream, !fromClient) != 0L && reopened(stream, !fromClient) == 0L) {
                setReopened(stream, !fromClient, now);
            }
        }
    }

    /**
     * Before a sender's DATA: when a window it had used up was opened again, promptly before, the
     * wait ends here. A stream's and the connection's waits that overlap count once, as the longer.
     */
    private void resumed(Sender s, HttpExchange stream, boolean fromClient, long now) {
        long connectionWait = waitOver(s.connectionExhaustedNanos, s.connectionReopenedNanos, now);
        if (s.connectionReopenedNanos != 0L) {
            s.connectionExhaustedNanos = 0L;
            s.connectionReopenedNanos = 0L;
        }
        long streamWait = -1;
        if (stream != null && reopened(stream, fromClient) != 0L) {
            streamWait = waitOver(exhausted(stream, fromClient), reopened(stream, fromClient), now);
            setExhausted(stream, fromClient, 0L);
            setReopened(stream, fromClient, 0L);
        }
        long wait = Math.max(connectionWait, streamWait);
        if (wait >= 0) {
            s.waits++;
            if (streamWait >= connectionWait) {
                s.streamWaits++;
            }
            s.waitedNanos += wait;
            s.longestWaitNanos = Math.max(s.longestWaitNanos, wait);
        }
    }

    /** The wait from exhausted to reopened, when the sender resumed promptly after; else -1. */
    private static long waitOver(long exhausted, long reopened, long now) {
        if (exhausted == 0L || reopened == 0L || reopened - exhausted < 0 || now - reopened < 0
            || now - reopened > PROMPT_NANOS) {
            return -1;
        }
        return reopened - exhausted;
    }

    /** A PING from one end ({@code ack} false), or the other end's acknowledgement of it, with its opaque data. */
    void ping(boolean fromClient, boolean ack, long opaque, long now) {
        if (!ack) {
            Sender s = sender(fromClient);
            s.pingOpaque = opaque;
            s.pingSentNanos = now;
            return;
        }
        Sender s = sender(!fromClient);
        long sent = s.pingSentNanos;
        if (sent != 0L && s.pingOpaque == opaque && now - sent >= 0) {
            long rtt = now - sent;
            s.rttMinNanos = s.roundTrips == 0 ? rtt : Math.min(s.rttMinNanos, rtt);
            s.rttMaxNanos = Math.max(s.rttMaxNanos, rtt);
            s.roundTrips++;
            s.pingSentNanos = 0L;
        }
    }

    private static VarHandle net(boolean client) {
        return client ? CLIENT_NET : SERVER_NET;
    }

    private static long exhausted(HttpExchange e, boolean client) {
        return client ? e.clientWindowExhausted : e.serverWindowExhausted;
    }

    private static void setExhausted(HttpExchange e, boolean client, long at) {
        if (client) {
            e.clientWindowExhausted = at;
        } else {
            e.serverWindowExhausted = at;
        }
    }

    private static long reopened(HttpExchange e, boolean client) {
        return client ? e.clientWindowReopened : e.serverWindowReopened;
    }

    private static void setReopened(HttpExchange e, boolean client, long at) {
        if (client) {
            e.clientWindowReopened = at;
        } else {
            e.serverWindowReopened = at;
        }
    }

    private static VarHandle handle(Class<?> owner, String field) {
        try {
            return MethodHandles.lookup().findVarHandle(owner, field, long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
