package io.connscope.agent.report;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.RequestTarget;
import io.connscope.agent.pipeline.ConnectionEnded;
import io.connscope.agent.pipeline.EventSink;
import io.connscope.agent.pipeline.ExchangeFinished;
import io.connscope.agent.text.SafeText;
import io.connscope.agent.wire.WireExchange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The timing of exported connections and their exchanges, for the HTML report's waterfall.
 * Bounded: the first {@link #MAX_CONNECTIONS} connections are kept whole; later ones are only
 * counted (the tables count them all). Each connection keeps at most
 * {@link #MAX_EXCHANGES_PER_CONNECTION} exchanges, all of them together at most
 * {@link #MAX_EXCHANGES}, each path at most {@link #MAX_PATH} characters: a few megabytes at
 * worst, whatever the traffic. Fed by the export thread; read at exit or by the live report
 * endpoint. {@link #none()} keeps nothing, for when no HTML report is asked for.
 */
public final class Timeline implements EventSink {

    public static final int MAX_CONNECTIONS = 1000;
    static final int MAX_EXCHANGES_PER_CONNECTION = 100;
    /** Exchanges kept in all, waiting for their connection or drawn with it. */
    static final int MAX_EXCHANGES = 5_000;
    /** The waterfall shows a path in a tooltip: this much of it is enough to recognise it. */
    static final int MAX_PATH = 128;

    /** One exchange's phases, System.nanoTime() values (0 when absent). */
    static final class Exchange {
        final int index;
        /** "http", or the other protocol's name: its exchanges have no path or status. */
        final String protocol;
        final String method;
        final String path;
        final int status;
        final long start;
        final long requestEnd;
        final long responseStart;
        final long responseEnd;
        final String failure;
        final List<String> warnings;

        Exchange(WireExchange e, List<String> warnings) {
            HttpExchange http = e instanceof HttpExchange ? (HttpExchange) e : null;
            this.index = e.index();
            this.protocol = e.protocol();
            this.method = e.operation();
            this.path = http == null ? null : SafeText.of(RequestTarget.path(http.target()), MAX_PATH);
            this.status = http == null ? 0 : http.status();
            this.start = e.requestStartNanos();
            this.requestEnd = e.requestEndNanos();
            this.responseStart = e.responseStartNanos();
            this.responseEnd = e.responseEndNanos();
            this.failure = e.failure() != null || http != null ? e.failure() : e.errorType();
            this.warnings = warnings;
        }
    }

    /** One connection's phases, System.nanoTime() values (0 when absent). */
    static final class Connection {
        final long id;
        final String role;
        final String destination;
        final String api;
        final long open;
        final long connectEnd;
        final long tlsStart;
        final long tlsEnd;
        final long end;
        final long lastActivity;
        final String classification;
        final String sequence;
        final long bytesSent;
        final long bytesReceived;
        final List<String> warnings;
        final List<Exchange> exchanges;

        Connection(ConnectionRecord r, List<String> warnings, List<Exchange> exchanges) {
            this.id = r.id();
            this.role = r.role().label();
            this.destination = r.destination().key;
            this.api = r.api();
            this.open = r.openNanos();
            this.connectEnd = r.connectEndNanos();
            TlsInfo tls = r.tls().info();
            this.tlsStart = tls == null ? 0 : tls.startNanos;
            this.tlsEnd = tls == null ? 0 : tls.endNanos;
            this.end = r.endNanos();
            this.lastActivity = r.lastActivityNanos();
            this.classification = r.classification().label();
            this.sequence = r.sequence();
            this.bytesSent = r.bytesWritten();
            this.bytesReceived = r.bytesRead();
            this.warnings = warnings;
            this.exchanges = exchanges;
        }
    }

    private final boolean keeps;
    private final List<Connection> connections = new ArrayList<>();
    private final Map<Long, List<Exchange>> pending = new HashMap<>();
    /** Exchanges held, pending or drawn. */
    private int exchangeCount;
    private long omittedConnections;
    private long omittedExchanges;

    public Timeline() {
        this(true);
    }

    private Timeline(boolean keeps) {
        this.keeps = keeps;
    }

    /** A timeline that keeps nothing: no report draws it. */
    public static Timeline none() {
        return new Timeline(false);
    }

    /**
     * An exported exchange; it joins its connection when that is exported (always later). Open
     * connections hold a place from their first exchange, so thousands of open connections cost
     * the timeline nothing beyond its bound.
     */
    @Override
    public synchronized void exchangeFinished(ExchangeFinished item) {
        if (!keeps) {
            return;
        }
        List<Exchange> list = pending.get(item.connection().id());
        if (list == null) {
            if (connections.size() + pending.size() >= MAX_CONNECTIONS) {
                omittedExchanges++;
                return; // its connection will not be kept either
            }
            list = new ArrayList<>();
            pending.put(item.connection().id(), list);
        }
        if (exchangeCount >= MAX_EXCHANGES || list.size() >= MAX_EXCHANGES_PER_CONNECTION) {
            omittedExchanges++;
            return;
        }
        list.add(new Exchange(item.exchange(), rules(item.warnings())));
        exchangeCount++;
    }

    @Override
    public synchronized void connectionEnded(ConnectionEnded ended) {
        if (!keeps) {
            return;
        }
        ConnectionRecord r = ended.connection();
        List<Warning> warnings = ended.warnings();
        List<Exchange> exchanges = pending.remove(r.id());
        HttpConnection http = r.http();
        boolean lostExchanges = exchanges == null && http != null && http.requests() > 0;
        if (lostExchanges || connections.size() + pending.size() >= MAX_CONNECTIONS) {
            omittedConnections++;
            if (exchanges != null) {
                exchangeCount -= exchanges.size();
                omittedExchanges += exchanges.size();
            }
            return;
        }
        connections.add(new Connection(r, rules(warnings), exchanges == null ? List.of() : exchanges));
    }

    synchronized List<Connection> connections() {
        return new ArrayList<>(connections);
    }

    /** Connections exported but not in the waterfall, because it was full. */
    public synchronized long omittedConnections() {
        return omittedConnections;
    }

    synchronized long omittedExchanges() {
        return omittedExchanges;
    }

    private static List<String> rules(List<Warning> warnings) {
        List<String> out = new ArrayList<>(warnings.size());
        for (Warning w : warnings) {
            out.add(w.rule);
        }
        return out;
    }
}
