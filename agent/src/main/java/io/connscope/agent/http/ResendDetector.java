package io.connscope.agent.http;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds requests that are sent again after the connection carrying them failed before a complete
 * response arrived (the stale keep-alive race), whichever client library does it. "The same
 * request" is the same method, destination and target from the same client: the same thread, or
 * for java.net.http the same HttpClient (its threads are named {@code HttpClient-<n>-…}, and its
 * reads and writes run on several of them). Bounded: at most {@code capacity} failed attempts
 * are remembered, each for {@code windowNanos}.
 */
public final class ResendDetector {

    public static final String BY_HTTP_URL_CONNECTION = ClientRequest.HTTP_URL_CONNECTION;
    public static final String BY_JAVA_NET_HTTP = "java.net.http";
    public static final String BY_APPLICATION = "application";

    private static final String JAVA_NET_HTTP_THREAD = "HttpClient-";

    private final Map<String, FailedAttempt> failed = new ConcurrentHashMap<>();
    private final int capacity;
    private final long windowNanos;
    private final AtomicLong forgotten = new AtomicLong();

    public ResendDetector(int capacity, long windowNanos) {
        this.capacity = capacity;
        this.windowNanos = windowNanos;
    }

    /**
     * The connection carrying {@code e} failed before its response was complete: remembers the
     * attempt, once, for a repeat of the same request by the same client.
     */
    public void attemptFailed(HttpExchange e, long connectionId, String destination, String failure,
                              long keepAliveTimeoutSeconds, long now) {
        if (e.attemptFailureRecorded || e.method == null) {
            return;
        }
        e.attemptFailureRecorded = true;
        String kind = e.responseStartNanos != 0L && e.status == 0 ? "incomplete_status_line" : failure;
        FailedAttempt a = new FailedAttempt(connectionId, kind, e.idleBeforeNanos, keepAliveTimeoutSeconds,
            e.resendCount, now);
        if (failed.size() >= capacity) {
            expire(now);
            if (failed.size() >= capacity) {
                forgotten.incrementAndGet();
                return;
            }
        }
        failed.put(key(e, destination, clientOf(Thread.currentThread())), a);
    }

    /**
     * A request head was written: when it repeats a failed attempt, or the client library says it
     * is resending, sets its resend count, the attempt it repeats and who resent it.
     */
    public void requestStarted(HttpExchange e, long connectionId, String destination, long now) {
        if (e.method == null) {
            return;
        }
        String client = clientOf(Thread.currentThread());
        FailedAttempt previous = failed.isEmpty() ? null : failed.remove(key(e, destination, client));
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
            : client.startsWith(BY_JAVA_NET_HTTP) ? BY_JAVA_NET_HTTP : BY_APPLICATION;
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

    /** The client a request comes from: its thread, or the java.net.http HttpClient that owns the thread. */
    static String clientOf(Thread t) {
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
