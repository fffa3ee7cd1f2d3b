package io.connscope.agent.http;

/** For tests in other packages: a finished HTTP exchange with exactly the times and sizes a test gives. */
public final class TimedExchanges {

    private TimedExchanges() {
    }

    /** A complete 200 response to a GET, the {@code index}-th request on its connection (from 1). */
    public static HttpExchange complete(int index, long requestStart, long responseStart, long responseEnd, long bodyBytes) {
        HttpExchange e = new HttpExchange(index);
        e.method = "GET";
        e.target = "/";
        e.requestStartNanos = requestStart;
        e.requestEndNanos = requestStart;
        e.responseStartNanos = responseStart;
        e.responseEndNanos = responseEnd;
        e.status = 200;
        e.responseComplete = true;
        e.responseBodyBytes = bodyBytes;
        return e;
    }

    /** The same exchange, failed before its response ended. */
    public static HttpExchange failed(int index, long requestStart, long responseStart, long responseEnd) {
        HttpExchange e = complete(index, requestStart, responseStart, responseEnd, 0);
        e.responseComplete = false;
        e.failure = "connection reset";
        return e;
    }
}
