package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.*;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.WebSocketEnd;
import io.connscope.agent.runtime.Clock;
import io.connscope.agent.websocket.WebSocketFrames;
import io.connscope.agent.websocket.WebSocketSession.Side;
import io.connscope.agent.websocket.WebSocketSession;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The span of a WebSocket session, a child of the exchange whose 101 opened it: frames and
 * messages each way, pings, the close handshake and the TCP close after it. Export thread only.
 */
final class WebSocketSpans {

    private final Tracer tracer;
    private final Clock clock;
    private final LongCounter sessions;
    /** The span of the exchange that opened a session, its span's parent (see ExchangeSpans). */
    private final Function<WebSocketSession, SpanContext> upgradeSpans;

    WebSocketSpans(Tracer tracer, Clock clock, Meter meter, Function<WebSocketSession, SpanContext> upgradeSpans) {
        this.tracer = tracer;
        this.clock = clock;
        this.upgradeSpans = upgradeSpans;
        this.sessions = meter.counterBuilder("connscope.websocket.sessions").setUnit("{session}")
            .setDescription("WebSocket sessions ended, by how their close handshake went: clean, unanswered, or none.")
            .build();
    }

    /** @param metric the destination's attributes for metrics, which may leave the destination out */
    void export(ConnectionRecord r, Attributes destination, Attributes metric) {
        WebSocketSession ws = WebSocketEnd.session(r);
        if (ws == null) {
            return;
        }
        WebSocketFrames client = ws.frames(Side.CLIENT);
        WebSocketFrames server = ws.frames(Side.SERVER);
        SpanBuilder sb = tracer.spanBuilder("WebSocket")
            .setSpanKind(r.role() == Role.CLIENT ? SpanKind.CLIENT : SpanKind.SERVER)
            .setStartTimestamp(clock.epochNanos(ws.startNanos()), TimeUnit.NANOSECONDS)
            .setAllAttributes(destination)
            .setAttribute(NETWORK_PROTOCOL_NAME, "websocket")
            .setAttribute(CONNECTION_ID, r.id())
            .setAttribute(WS_CLIENT_FRAMES, client.frames())
            .setAttribute(WS_CLIENT_MESSAGES, client.messages())
            .setAttribute(WS_CLIENT_PAYLOAD, client.payloadBytes())
            .setAttribute(WS_SERVER_FRAMES, server.frames())
            .setAttribute(WS_SERVER_MESSAGES, server.messages())
            .setAttribute(WS_SERVER_PAYLOAD, server.payloadBytes())
            .setAttribute(WS_FRAGMENTED, client.fragmentedMessages() + server.fragmentedMessages())
            .setAttribute(WS_PINGS, client.pings() + server.pings())
            .setAttribute(WS_PONGS, client.pongs() + server.pongs())
            .setAttribute(WS_PING_ROUND_TRIPS, ws.pingRoundTrips());
        if (ws.maxPingRoundTripNanos() > 0) {
            sb.setAttribute(WS_PING_RTT_MAX, ws.maxPingRoundTripNanos() / 1e6);
        }
        Side first = ws.closedFirst(WebSocketEnd.side(r));
        sb.setAttribute(WS_CLOSE_INITIATOR, first != null ? first.label() : ws.closeSent() ? "unknown" : "none");
        if (ws.closeSent()) {
            WebSocketFrames close = first != null ? ws.frames(first) : ws.firstCloseSeen();
            sb.setAttribute(WS_CLOSE_CODE, (long) close.closeCode());
            sb.setAttribute(WS_CLOSE_REASON_LENGTH, close.closeReasonLength());
            sb.setAttribute(WS_CLOSE_ANSWERED, ws.closeAnswered());
            if (ws.closeAnswered()) {
                sb.setAttribute(WS_CLOSE_HANDSHAKE, ws.closeHandshakeNanos() / 1e6);
            }
        }
        Side tcpFirst = WebSocketEnd.tcpClosedFirstBy(r);
        sb.setAttribute(WS_TCP_CLOSED_FIRST, tcpFirst == null ? "unknown" : tcpFirst.label());
        Boolean accept = ws.acceptMatches();
        if (accept != null) {
            sb.setAttribute(WS_ACCEPT_VALID, accept);
        }
        if (ws.violation() != null) {
            sb.setAttribute(WS_VIOLATION, ws.violation());
        }
        SpanContext upgrade = upgradeSpans.apply(ws);
        if (upgrade != null) {
            sb.setParent(Context.root().with(Span.wrap(upgrade)));
        } else {
            sb.setNoParent();
        }
        Span span = sb.startSpan();
        String outcome = ws.closeAnswered() ? "clean" : !ws.closeSent() ? "none" : "unanswered";
        sessions.add(1, metric.toBuilder().put(WS_CLOSE_OUTCOME, outcome).build());
        if (!ws.closeAnswered()) {
            // RFC 6455 7.1.5: without a finished close handshake the close is abnormal.
            span.setAttribute(ERROR_TYPE, "1006");
            span.setStatus(StatusCode.ERROR, !ws.closeSent() ? "no close handshake" : "Close not answered");
        }
        span.end(clock.epochNanos(r.endNanos()), TimeUnit.NANOSECONDS);
    }
}
