package io.connscope.agent.http;

/** What an {@link Http1Stream} recognises in the bytes of one direction of a connection. */
public interface Http1Events {

    /** The first byte of a new message arrived. */
    void messageStart();

    /**
     * A message head is complete; interim (1xx) responses are reported too. For a final response,
     * the request it answers has been taken from {@link #nextAwaitingResponse} just before.
     */
    void head(HttpHead head);

    /**
     * A final response's head is complete: the method of the request it answers, the oldest still
     * waiting for its final response (the other direction's requests, in order), or null. Asked of a
     * response stream's events only.
     */
    default String nextAwaitingResponse() {
        return null;
    }

    /**
     * The body of the message whose head ended a feed began in a later feed (a later read or
     * write): its first bytes were not there with the head.
     */
    default void bodyAfterHead() {
    }

    /** A message ended: its body (after framing: chunk sizes excluded) was fully received, or not. */
    void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete);

    /**
     * A 101 response switched the connection to {@code head.upgrade}: true when the events follow
     * that protocol, and then every later byte of this direction goes to {@link #switchedBytes}.
     */
    default boolean switchProtocols(HttpHead head) {
        return false;
    }

    /**
     * The client connection preface's first line ("PRI * HTTP/2.0") ended the request direction's
     * first head: true when the events follow HTTP/2, and then every later byte goes to
     * {@link #switchedBytes}, starting with the preface's "SM\r\n\r\n".
     */
    default boolean http2Preface() {
        return false;
    }

    /**
     * The response direction's first byte is 0, as an HTTP/2 frame header's and never an HTTP/1
     * status line's: true when the events follow HTTP/2 from this byte on, through {@link #switchedBytes}.
     * That takes more than a 0: the bytes start with a SETTINGS frame header ({@code settings}), or
     * the connection is known to speak HTTP/2.
     */
    default boolean http2Frames(boolean settings) {
        return false;
    }

    /** Bytes after the switch, when {@link #switchProtocols} took it (see {@code WireBytes}). */
    default void switchedBytes(Object data, int from, int len) {
    }

    /** The bytes are not HTTP/1.x (or stopped being: an upgrade or CONNECT tunnel); only counted from now on. */
    void opaque(String reason);

    /**
     * The bytes broke HTTP/1.x syntax or framing after HTTP had been seen on this direction; as
     * after {@link #opaque}, they are only counted from now on.
     */
    default void malformed(String reason) {
        opaque(reason);
    }
}
