package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.ClientRequest;
import io.connscope.agent.http.GrpcCall;
import io.connscope.agent.http.Http2ErrorCodes;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.RequestTarget;
import io.connscope.agent.pipeline.ExchangeFinished;
import io.connscope.agent.runtime.Clock;
import io.connscope.agent.websocket.WebSocketSession;
import io.connscope.agent.wire.WireExchange;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One span per exchange (any protocol; HTTP's in full), CLIENT on outbound connections and SERVER on accepted ones. A request
 * that carried a W3C traceparent gets its span under that parent, so the wire view sits under the
 * application's own HTTP span. The connection span links to (up to {@link #MAX_LINKS}) exchanges.
 */
final class ExchangeSpans {

    static final int MAX_LINKS = 32;
    private static final Set<String> KNOWN_METHODS =
        Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return Collections.singletonList("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;
    private final Clock clock;
    private final WarningExport warnings;
    private final boolean captureQuery;

    /**
     * Exported exchanges by connection, until the connection is exported. Weak, so that a record the
     * registry gave up on (connscope.max.connections) is not kept here. Export thread only.
     */
    private final Map<ConnectionRecord, List<SpanContext>> exported = new WeakHashMap<>();
    /** The span of the exchange that opened each WebSocket session, the session span's parent. Export thread only. */
    private final Map<WebSocketSession, SpanContext> upgradeSpans = new WeakHashMap<>();

    ExchangeSpans(Tracer tracer, Clock clock, WarningExport warnings, boolean captureQuery) {
        this.tracer = tracer;
        this.clock = clock;
        this.warnings = warnings;
        this.captureQuery = captureQuery;
    }

    void export(ExchangeFinished item, HttpExchange e, Attributes destination) {
        ConnectionRecord r = item.connection();
        boolean client = r.role() == Role.CLIENT;
        String method = method(e);
        boolean known = !method.equals("_OTHER");
        GrpcCall grpc = e.grpc();
        String rpcName = grpc == null ? null : GrpcSpans.name(grpc);
        SpanBuilder sb = tracer.spanBuilder(rpcName != null ? rpcName : known ? method : "HTTP")
            .setSpanKind(client ? SpanKind.CLIENT : SpanKind.SERVER)
            .setStartTimestamp(clock.epochNanos(e.requestStartNanos()), TimeUnit.NANOSECONDS)
            .setAllAttributes(destination)
            .setAttribute(NETWORK_PROTOCOL_NAME, "http")
            .setAttribute(NETWORK_PROTOCOL_VERSION, e.version() == null ? "1.1" : e.version())
            .setAttribute(CONNECTION_ID, r.id())
            .setAttribute(REQUEST_INDEX, (long) e.index)
            .setAttribute(CONNECTION_REUSED, e.index > 1)
            .setAttribute(HTTP_PIPELINED, e.pipelined());
        sb.setAttribute(HTTP_REQUEST_METHOD, method);
        if (!known && e.method() != null) {
            sb.setAttribute(HTTP_REQUEST_METHOD_ORIGINAL, e.method());
        }
        String path = RequestTarget.path(e.target());
        if (path != null) {
            sb.setAttribute(URL_PATH, path);
            String query = captureQuery ? RequestTarget.query(e.target()) : null;
            if (query != null) {
                sb.setAttribute(URL_QUERY, query);
            }
        }
        peer(sb, r, client, e);
        if (e.idleBeforeNanos() >= 0) {
            sb.setAttribute(IDLE_BEFORE_MS, e.idleBeforeNanos() / 1e6);
        }
        if (e.responseStartNanos() != 0L) {
            long sent = e.requestEndNanos() != 0L ? e.requestEndNanos() : e.requestStartNanos();
            sb.setAttribute(HTTP_TTFB_MS, Math.max(0, e.responseStartNanos() - sent) / 1e6);
        }
        if (e.status() > 0) {
            sb.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) e.status());
            sb.setAttribute(HTTP_RESPONSE_BODY_SIZE, e.responseBodyBytes());
        }
        if (e.closeDelimited()) {
            sb.setAttribute(HTTP_CLOSE_DELIMITED, true);
        }
        if (e.keepAliveTimeoutSeconds() >= 0) {
            sb.setAttribute(HTTP_KEEP_ALIVE_TIMEOUT, e.keepAliveTimeoutSeconds());
        }
        if (e.resendCount() > 0) {
            sb.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) e.resendCount());
            sb.setAttribute(HTTP_RESENT_BY, e.resentBy());
            if (e.resendOf() != null) {
                sb.setAttribute(HTTP_RESEND_OF_CONNECTION, e.resendOf().connectionId);
                sb.setAttribute(HTTP_RESEND_OF_FAILURE, e.resendOf().failure);
            }
        }
        if (e.http2StreamId() != 0) {
            sb.setAttribute(HTTP2_STREAM_ID, (long) e.http2StreamId());
            if (e.resetBy() != null) {
                sb.setAttribute(HTTP2_RESET_BY, e.resetBy());
                sb.setAttribute(HTTP2_RESET_ERROR, Http2ErrorCodes.name(e.resetErrorCode()));
            }
        }
        ClientRequest library = e.client();
        if (library != null) {
            sb.setAttribute(HTTP_CLIENT_API, library.api);
            sb.setAttribute(HTTP_CLIENT_OBJECT, library.api + "@" + Integer.toHexString(library.objectId));
            sb.setAttribute(FROM_KEEPALIVE_CACHE, library.fromKeepAliveCache);
            if (library.resendPath != null) {
                sb.setAttribute(HTTP_CLIENT_RESEND_PATH, library.resendPath);
            }
        }
        if (grpc != null) {
            GrpcSpans.describe(sb, grpc);
        }
        Context parent = parent(e.traceparent());
        if (parent == null) {
            sb.setNoParent();
        } else {
            sb.setParent(parent);
        }
        Span span = sb.startSpan();
        warnings.emit(item.warnings(), span, destination, r.id(), clock.epochNanos(e.responseEndNanos() != 0L
            ? e.responseEndNanos() : e.requestStartNanos()));
        String error = errorType(e, client);
        if (error != null) {
            span.setAttribute(ERROR_TYPE, error);
            span.setStatus(StatusCode.ERROR);
        }
        long end = e.responseEndNanos() != 0L ? e.responseEndNanos() : Math.max(e.requestEndNanos(), e.requestStartNanos());
        span.end(clock.epochNanos(end), TimeUnit.NANOSECONDS);
        remember(r, span.getSpanContext());
        if (e.webSocket() != null) {
            upgradeSpans.put(e.webSocket(), span.getSpanContext());
        }
    }

    /**
     * An exchange of a protocol other than HTTP, shown through what every protocol tells: named after
     * its operation, with the protocol's own attributes, and a root span linked from its connection's
     * as HTTP's are.
     */
    void exportOther(ExchangeFinished item, Attributes destination) {
        ConnectionRecord r = item.connection();
        WireExchange e = item.exchange();
        long start = e.requestStartNanos() != 0L ? e.requestStartNanos() : e.responseStartNanos();
        SpanBuilder sb = tracer.spanBuilder(e.operation() != null ? e.operation() : e.protocol())
            .setSpanKind(r.role() == Role.CLIENT ? SpanKind.CLIENT : SpanKind.SERVER)
            .setNoParent()
            .setStartTimestamp(clock.epochNanos(start), TimeUnit.NANOSECONDS)
            .setAllAttributes(destination)
            .setAttribute(NETWORK_PROTOCOL_NAME, e.protocol())
            .setAttribute(CONNECTION_ID, r.id())
            .setAttribute(REQUEST_INDEX, (long) e.index())
            .setAttribute(CONNECTION_REUSED, e.index() > 1);
        for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
            Object v = a.getValue();
            if (v instanceof Long) {
                sb.setAttribute(a.getKey(), (Long) v);
            } else if (v instanceof Boolean) {
                sb.setAttribute(a.getKey(), (Boolean) v);
            } else {
                sb.setAttribute(a.getKey(), String.valueOf(v));
            }
        }
        Span span = sb.startSpan();
        long end = e.responseEndNanos() != 0L ? e.responseEndNanos() : Math.max(e.requestEndNanos(), start);
        warnings.emit(item.warnings(), span, destination, r.id(), clock.epochNanos(end));
        String error = e.failure() != null ? e.failure() : e.errorType();
        if (error != null) {
            span.setAttribute(ERROR_TYPE, error);
            span.setStatus(StatusCode.ERROR);
        }
        span.end(clock.epochNanos(end), TimeUnit.NANOSECONDS);
        remember(r, span.getSpanContext());
    }

    /**
     * What the conventions ask of each side: a client's {@code url.full} (redacted: see
     * {@link RequestTarget#fullUrl}); a server's {@code url.scheme}, its client's address, the name the
     * client gave it (Host, :authority) and the client's user agent; the peer of either.
     */
    private void peer(SpanBuilder sb, ConnectionRecord r, boolean client, HttpExchange e) {
        String scheme = r.tls().info() != null ? "https" : "http";
        if (client) {
            // The destination as the client named it; past connscope.max.destinations, where it is "(other)", the peer.
            String named = r.destination().serverAddress;
            boolean folded = named == null || named.startsWith("(");
            String full = RequestTarget.fullUrl(e.target(), scheme, folded ? r.peerAddress() : named,
                folded ? r.peerPort() : r.destination().port, captureQuery);
            if (full != null) {
                sb.setAttribute(URL_FULL, full);
            }
        } else {
            sb.setAttribute(URL_SCHEME, scheme);
            if (r.peerAddress() != null) {
                sb.setAttribute(CLIENT_ADDRESS, r.peerAddress());
            }
            if (r.peerPort() > 0) {
                sb.setAttribute(CLIENT_PORT, (long) r.peerPort());
            }
            // The server as its client named it; server.port stays the port the connection was accepted on.
            String host = RequestTarget.hostOf(e.host());
            if (host != null) {
                sb.setAttribute(SERVER_ADDRESS, host);
            }
            if (e.userAgent() != null) {
                sb.setAttribute(USER_AGENT_ORIGINAL, e.userAgent());
            }
        }
        if (r.peerAddress() != null) {
            sb.setAttribute(NETWORK_PEER_ADDRESS, r.peerAddress());
        }
        if (r.peerPort() > 0) {
            sb.setAttribute(NETWORK_PEER_PORT, (long) r.peerPort());
        }
    }

    /**
     * {@code http.request.method}: the method when the conventions know it, else {@code _OTHER} (also
     * when only the response was seen and the request did not parse as HTTP).
     */
    static String method(HttpExchange e) {
        return e.method() != null && KNOWN_METHODS.contains(e.method()) ? e.method() : "_OTHER";
    }

    /**
     * The exchange's {@code error.type}, or null: how it failed, else a gRPC status other than OK, else
     * an HTTP status that is an error for this side (5xx; 4xx too for a client, as the conventions say).
     */
    static String errorType(HttpExchange e, boolean client) {
        GrpcCall grpc = e.grpc();
        return e.failure() != null ? e.failure() : grpc != null && e.status() == 200 ? GrpcSpans.error(grpc, client)
            : e.status() >= 500 || client && e.status() >= 400 ? Integer.toString(e.status()) : null;
    }

    /**
     * The connection span's links: its exported exchanges, forgotten as they are handed out (the
     * connection is exported after all of its exchanges).
     */
    List<SpanContext> takeLinks(ConnectionRecord r) {
        List<SpanContext> links = exported.remove(r);
        return links == null ? Collections.emptyList() : links;
    }

    /** The span of the exchange that opened this session, forgotten as it is handed out; null when it had none. */
    SpanContext takeUpgradeSpan(WebSocketSession session) {
        return upgradeSpans.remove(session);
    }

    private void remember(ConnectionRecord r, SpanContext context) {
        List<SpanContext> links = exported.computeIfAbsent(r, k -> new ArrayList<>());
        if (links.size() < MAX_LINKS) {
            links.add(context);
        }
    }

    private static Context parent(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
        SpanContext parent = Span.fromContext(extracted).getSpanContext();
        return parent.isValid() ? extracted : null;
    }
}
