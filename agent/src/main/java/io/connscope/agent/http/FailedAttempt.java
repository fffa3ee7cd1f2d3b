package io.connscope.agent.http;

/** A request whose connection failed before a complete response arrived: a later identical request repeats it. */
public final class FailedAttempt {

    /** The connection that carried the failed attempt. */
    public final long connectionId;
    /** How it failed: "eof", "connection_reset", "io_error", "closed", or "incomplete_response_head" when part of the response head had arrived. */
    public final String failure;
    /** How long that connection had been idle before the request, or -1 when it was new. */
    public final long idleBeforeNanos;
    /** The server's Keep-Alive timeout as advertised on that connection, or -1. */
    public final long keepAliveTimeoutSeconds;
    /** The failed attempt's own resend count. */
    public final int resendCount;
    /** When the failure was seen, System.nanoTime(). */
    public final long atNanos;
    /** A java.net.http thread saw the failure: the connection belonged to that client. */
    public final boolean javaNetHttp;

    public FailedAttempt(long connectionId, String failure, long idleBeforeNanos, long keepAliveTimeoutSeconds,
                         int resendCount, long atNanos, boolean javaNetHttp) {
        this.connectionId = connectionId;
        this.failure = failure;
        this.idleBeforeNanos = idleBeforeNanos;
        this.keepAliveTimeoutSeconds = keepAliveTimeoutSeconds;
        this.resendCount = resendCount;
        this.atNanos = atNanos;
        this.javaNetHttp = javaNetHttp;
    }
}
