package io.connscope.agent.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Records what an Http1Stream reports, as comparable strings; also serves request methods to a response stream. */
final class EventLog implements Http1Events {

    final List<String> events = new ArrayList<>();
    final Deque<String> methods = new ArrayDeque<>();

    EventLog(String... requestMethods) {
        methods.addAll(List.of(requestMethods));
    }

    @Override
    public void messageStart() {
        // timing only; the log records what was parsed
    }

    @Override
    public void head(HttpHead h) {
        events.add(h.request
            ? "request " + h.method + " " + h.target + " " + h.version + " cl=" + h.contentLength + " chunked=" + h.chunked
            : "response " + h.status + " " + h.version + " cl=" + h.contentLength + " chunked=" + h.chunked
                + (h.keepAliveTimeoutSeconds >= 0 ? " keep-alive=" + h.keepAliveTimeoutSeconds : "")
                + (h.connectionClose ? " close" : ""));
    }

    @Override
    public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
        events.add("end body=" + bodyBytes + " declared=" + declaredBodyBytes + (complete ? "" : " TRUNCATED"));
    }

    @Override
    public void opaque(String reason) {
        events.add("opaque: " + reason);
    }

    @Override
    public void malformed(String reason) {
        events.add("malformed: " + reason);
    }

    @Override
    public String nextAwaitingResponse() {
        return methods.poll();
    }
}
