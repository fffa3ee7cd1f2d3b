package io.connscope.agent.wire;

/**
 * The analysis of one connection's bytes, behind which each protocol sits: HTTP/1.x
 * ({@code HttpConnection}, the default), which switches to HTTP/2 ({@code Http2Session}, on its
 * preface or an h2c upgrade; gRPC is read from its streams) or WebSocket ({@code WebSocketSession}, on
 * a 101), and RESP ({@code RespConnection}, chosen by its first bytes). One per connection, fed on the threads that do the connection's I/O: while a message head is in flight it
 * may parse and allocate; otherwise it only counts, and it never blocks or throws on purpose (a
 * failure stops the analysis of that connection alone).
 */
public interface WireAnalyser {

    /**
     * Bytes of one direction, in the one view {@link WireBytes} reads: {@code towardServer} for the
     * client's bytes (requests), else the server's.
     */
    void feed(boolean towardServer, Object data, int from, int len);

    /**
     * The same bytes, with when they were read or written ({@code System.nanoTime()} as the I/O hook
     * took it): an analysis that times its messages uses it rather than reading the clock again for
     * each message's start, head and end.
     */
    default void feed(boolean towardServer, Object data, int from, int len, long nanos) {
        feed(towardServer, data, from, len);
    }

    /** True once neither direction needs bytes any more: the caller stops feeding. */
    boolean done();

    /** Stops following the bytes, with the reason (they cannot be read where they were written). */
    void stop(String reason);

    /**
     * The connection ended at {@code endNanos}: settles what was open, as of then. Runs once, on the
     * pipeline thread, when the connection settles.
     */
    void end(long endNanos);

    /** Replaced by a new analysis of the same connection: lets go of what it holds and reports nothing more. */
    void abandon();
}
