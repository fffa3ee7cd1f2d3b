package io.connscope.agent.http;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds requests that are sent again after the connection carrying them failed before a complete
 * response arrived (the stale keep-alive race), whichever client library does it. "The same
 * request" is the same method, destination and target from the same client, as the caller names
 * it: the thread for sockets, the selector a channel is registered with (a java.net.http
 * HttpClient writes and reads on several threads, the caller's among them, but has one selector).
 * Bounded: at most {@code capacity} failed attempts are remembered, each for {@code windowNanos}.
 */
public final class ResendDetector {

    public static final String BY_JAVA_NET_HTTP = "java.net.http";
    public static final String BY_APPLICATION = "application";

    private static final String JAVA_NET_HTTP_THREAD = "HttpClient-";
    /** How callers name the client of a channel: by its selector, {@code selector@<identity>}. */
    public static final String CHANNEL_CLIENT = "selector@";
    /** The client of a channel that is not registered with a selector yet. */
    public static final String UNREGISTERED_CHANNEL = "channel";

    private final Map<String, FailedAttempt> failed = new ConcurrentHashMap<>();
    private final int capacity;
    private final long windowNanos;
    private final AtomicLong forgotten = new AtomicLong();

    public ResendDetector(int capacity, long windowNanos) {
        this.capacity = capacity;
        this.windowNanos = windowNanos;
    }

    /**
     * A connection failed ({@code failure}: "eof", "connection_reset", "io_error", "closed"): the
     * request on it still waiting for its response, if any, is remembered once as a failed attempt,
     * for a repeat of the same request by the same {@code client} (see {@link #clientOf(Thread)}).
     */
    public void attemptFailed(HttpConnection http, long connectionId, String destination, String client, String failure,
                              long now) {
        boolean byJavaNetHttp = isJavaNetHttp(Thread.currentThread());
        HttpExchange e = http.unanswered();
        if (e == null) {
            // The peer's end can be read before the writer's hook has seen the request: the writer records the
            // attempt then, from its own thread, which for java.net.http may be the caller's.
            if (byJavaNetHttp) {
                http.clientHints().failureSeenByJavaNetHttp();
            }
            return;
        }
        if (e.attemptFailureRecorded) {
            return;
        }
        e.attemptFailureRecorded = true;
        String kind = http.responseHeadInFlight() ? "incomplete_response_head" : failure;
        FailedAttempt a = new FailedAttempt(connectionId, kind, e.idleBeforeNanos, http.keepAliveTimeoutSeconds(),
            e.resendCount, now, byJavaNetHttp || ClientHints.sawJavaNetHttpFailure(http));
        if (failed.size() >= capacity) {
            expire(now);
            if (failed.size() >= capacity) {
                forgotten.incrementAndGet();
                return;
            }
        }
        failed.put(key(e, destination, client), a);
    }

    /**
     * Whether {@link #requestStarted} could find {@code e} a resend: only while a failed attempt is
     * remembered, or when the client library says it resends. Callers skip naming the client otherwise.
     */
    public boolean mayBeResend(HttpExchange e) {
        ClientRequest library = e.client;
        return e.method != null && (!failed.isEmpty() || library != null && library.resendPath != null);
    }

    /**
     * A request head was written by {@code client}: when it repeats a failed attempt, or the client
     * library says it is resending, sets its resend count, the attempt it repeats and who resent it.
     */
    public void requestStarted(HttpExchange e, long connectionId, String destination, String client, long now) {
        if (e.method == null) {
            return;
        }
        FailedAttempt previous = failed.isEmpty() ? null : take(e, destination, client);
        if (previous != null && (previous.connectionId == connectionId || now - previous.atNanos > windowNanos)) {
            previous = null;
        }
        ClientRequest library = e.client;
        boolean libraryResend = library != null && library.resendPath != null;
        if (previous == null && !libraryResend) {
            return;
        }
        e.resendOf = previous;
        e.resendCount = previous == null ? 1 : previous.resendCount + 1;
        e.resentBy = libraryResend ? library.api
            : previous.javaNetHttp || isJavaNetHttp(Thread.currentThread()) ? BY_JAVA_NET_HTTP : BY_APPLICATION;
    }

    /**
     * The failed attempt this request repeats. A channel's selector can be unknown on one side
     * (java.net.http registers a new connection's channel only once it reads; a blocking channel is
     * never registered): an unregistered channel's client matches any channel's, a registered one
     * also matches an unregistered one's.
     */
    private FailedAttempt take(HttpExchange e, String destination, String client) {
        FailedAttempt a = failed.remove(key(e, destination, client));
        boolean unregistered = client.equals(UNREGISTERED_CHANNEL);
        if (a != null || !unregistered && !client.startsWith(CHANNEL_CLIENT)) {
            return a;
        }
        if (!unregistered) {
            return failed.remove(key(e, destination, UNREGISTERED_CHANNEL));
        }
        String prefix = key(e, destination, "");
        for (String k : failed.keySet()) {
            if (k.startsWith(prefix) && k.startsWith(CHANNEL_CLIENT, prefix.length())) {
                a = failed.remove(k);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Failed attempts not remembered because {@code capacity} were already waiting. */
    public long forgotten() {
        return forgotten.get();
    }

    private void expire(long now) {
        for (Iterator<FailedAttempt> it = failed.values().iterator(); it.hasNext(); ) {
            if (now - it.next().atNanos > windowNanos) {
                it.remove();
            }
        }
    }

    private static String key(HttpExchange e, String destination, String client) {
        return e.method + ' ' + destination + e.target + ' ' + client;
    }

    private static boolean isJavaNetHttp(Thread t) {
        return clientOf(t).startsWith(BY_JAVA_NET_HTTP);
    }

    /**
     * The client behind a request on a socket: its thread, or the java.net.http HttpClient that owns
     * the thread ({@code HttpClient-<n>-…}).
     */
    public static String clientOf(Thread t) {
        String name = t.getName();
        if (name.startsWith(JAVA_NET_HTTP_THREAD)) {
            int dash = name.indexOf('-', JAVA_NET_HTTP_THREAD.length());
            if (dash > 0) {
                return BY_JAVA_NET_HTTP + ' ' + name.substring(0, dash);
            }
        }
        return "thread " + t.getId();
    }
}
