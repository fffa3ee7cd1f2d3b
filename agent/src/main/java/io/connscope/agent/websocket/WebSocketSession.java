package io.connscope.agent.websocket;

import io.connscope.agent.wire.WireAnalyser;
import io.connscope.agent.wire.WireBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A WebSocket session on one connection, from the 101 response on, the analysis HTTP/1.x switches
 * to: both directions' frames, ping round trips and the close handshake. Each direction is fed by one thread and writes only its own
 * fields; the export thread reads them once the connection ended.
 */
public final class WebSocketSession implements WireAnalyser {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** A side of the session. */
    public enum Side {
        CLIENT, SERVER;

        public String label() {
            return this == CLIENT ? "client" : "server";
        }

        public Side other() {
            return this == CLIENT ? SERVER : CLIENT;
        }
    }

    /** The request's key: known at the start, or later when this side saw the response before its request. */
    private volatile String key;
    private final String accept;
    private final long startNanos;
    private final Direction client = new Direction(Side.CLIENT);
    private final Direction server = new Direction(Side.SERVER);
    /** Why the frames are no longer read, when {@link #stop} said so; else null. */
    private volatile String stopped;

    /** {@code key} and {@code accept}: the handshake's Sec-WebSocket-Key and -Accept values, or null. */
    public WebSocketSession(String key, String accept, long startNanos) {
        this.key = key;
        this.accept = accept;
        this.startNanos = startNanos;
    }

    /** The upgrade request's Sec-WebSocket-Key, when it is seen after the 101. */
    public void requestKey(String requestKey) {
        if (key == null) {
            key = requestKey;
        }
    }

    /** Feeds one direction's bytes (see {@link WireBytes}). */
    @Override
    public void feed(boolean clientToServer, Object data, int from, int len) {
        if (stopped == null) {
            (clientToServer ? client : server).frames.feed(data, from, len);
        }
    }

    /** True once neither direction's frames are read any more. */
    @Override
    public boolean done() {
        return stopped != null || client.frames.violation() != null && server.frames.violation() != null;
    }

    /** Reads no more frames; each direction's parser stays its own thread's. */
    @Override
    public void stop(String reason) {
        stopped = reason;
    }

    /** Nothing is left to settle: a session's facts are read as they are when its connection is exported. */
    @Override
    public void end(long endNanos) {
    }

    /** Nothing to give back: a session holds none of the analysis memory budget. */
    @Override
    public void abandon() {
    }

    /** The frames one side sent. */
    public WebSocketFrames frames(Side side) {
        return direction(side).frames;
    }

    public long startNanos() {
        return startNanos;
    }

    /**
     * The side that sent Close first, as the {@code local} side saw it; null when neither did, or when
     * the order cannot be known ({@link #closeSent()} tells them apart). connscope sees a write only
     * once it returned. This side's Close seen before the peer's was on its way first; one written on
     * the thread that had read the peer's Close answered it. One written from another thread after the
     * peer's was read (a client's writer executor, as OkHttp's, or a write that returned just after
     * its answer was read) may have been on its way already or may answer it: that is not guessed.
     */
    public Side closedFirst(Side local) {
        WebSocketFrames mine = frames(local);
        WebSocketFrames theirs = frames(local.other());
        long m = mine.closeNanos();
        long t = theirs.closeNanos();
        if (m == 0L || t == 0L) {
            return m != 0L ? local : t != 0L ? local.other() : null;
        }
        if (m <= t) {
            return local;
        }
        return mine.closeThread() == theirs.closeThread() ? local.other() : null;
    }

    /** Either side sent Close. */
    public boolean closeSent() {
        return client.frames.closeNanos() != 0L || server.frames.closeNanos() != 0L;
    }

    /** The Close frame this side saw first (the peer's when the order is unknown), or null. */
    public WebSocketFrames firstCloseSeen() {
        long c = client.frames.closeNanos();
        long s = server.frames.closeNanos();
        if (c == 0L && s == 0L) {
            return null;
        }
        return s == 0L || c != 0L && c <= s ? client.frames : server.frames;
    }

    /** Both sides sent Close: the close handshake finished. */
    public boolean closeAnswered() {
        return client.frames.closeNanos() != 0L && server.frames.closeNanos() != 0L;
    }

    /** Between the two Close frames as seen here, or -1 without both. */
    public long closeHandshakeNanos() {
        return closeAnswered() ? Math.abs(client.frames.closeNanos() - server.frames.closeNanos()) : -1;
    }

    /**
     * Pings answered by a Pong, both ways. Counted from the frames, since a full-duplex side can see
     * the Pong to its own Ping before its write of that Ping.
     */
    public long pingRoundTrips() {
        return Math.min(client.frames.pings(), server.frames.pongs()) + Math.min(server.frames.pings(), client.frames.pongs());
    }

    /** The longest Ping to Pong time seen in order, or 0. */
    public long maxPingRoundTripNanos() {
        return Math.max(client.maxRttNanos, server.maxRttNanos);
    }

    /**
     * Whether Sec-WebSocket-Accept is the one RFC 6455 §4.2.2 derives from the key; null when either
     * header was not seen. Runs on the export thread.
     */
    public Boolean acceptMatches() {
        String k = key;
        if (k == null || accept == null) {
            return null;
        }
        return accept.equals(expectedAccept(k));
    }

    static String expectedAccept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Why frame analysis stopped on one side ("client: unmasked frame from the client"), or null. */
    public String violation() {
        String c = client.frames.violation();
        String s = server.frames.violation();
        return c != null ? "client: " + c : s != null ? "server: " + s : null;
    }

    private Direction direction(Side side) {
        return side == Side.CLIENT ? client : server;
    }

    /** The frames one side sends, and the round trips of the other side's pings that its pongs end. */
    private final class Direction implements WebSocketFrames.Events {
        private final Side side;
        final WebSocketFrames frames;
        /** When this side's latest Ping was seen; 0 before any. */
        volatile long pingNanos;
        /** The other side's Ping this side's last timed Pong answered. */
        private long answeredPingNanos;
        volatile long maxRttNanos;

        Direction(Side side) {
            this.side = side;
            this.frames = new WebSocketFrames(side == Side.CLIENT, this);
        }

        @Override
        public void control(boolean ping, long nanos) {
            if (ping) {
                pingNanos = nanos;
                return;
            }
            // A Pong answers the other side's latest Ping; an unsolicited one (a heartbeat) answers nothing.
            long sent = direction(side.other()).pingNanos;
            if (sent != 0L && sent != answeredPingNanos) {
                answeredPingNanos = sent; // only this side's thread writes its own fields
                maxRttNanos = Math.max(maxRttNanos, nanos - sent);
            }
        }
    }
}
