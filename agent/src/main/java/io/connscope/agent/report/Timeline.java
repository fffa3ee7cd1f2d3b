package io.connscope.agent.report;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.RequestTarget;
import io.connscope.agent.pipeline.ConnectionEnded;
import io.connscope.agent.pipeline.EventSink;
import io.connscope.agent.pipeline.ExchangeFinished;
import io.connscope.agent.text.SafeText;
import io.connscope.agent.wire.WireExchange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The timing of exported connections and their exchanges, for the HTML report's network panel and
 * the live view: the most recent connections, in a ring of {@code connscope.report.connections}
 * (20,000 by default), plus every connection with a warning, in a ring of a quarter of that, so
 * that a long run shows what happened last and what went wrong, never only its first minutes.
 * Exchanges are held up to as many as connections in all, {@link #MAX_EXCHANGES_PER_CONNECTION} per
 * connection, each path at most {@link #MAX_PATH} characters; when the exchanges are spent, the
 * oldest connections give theirs up first. About 460 bytes per connection held with its exchange
 * (measured: 9.2 MB for 20,000), whatever the traffic. Fed by the export thread; read at exit or by the live report. {@link #none()} keeps
 * nothing, for when no HTML report is asked for.
 */
public final class Timeline implements EventSink {

    static final int MAX_EXCHANGES_PER_CONNECTION = 100;
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
        /** A warning on the connection or on one of its exchanges. */
        final boolean warned;

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
            this.warned = !warnings.isEmpty() || anyWarned(exchanges);
        }
    }

    private final int maxRecent;
    private final int maxWarned;
    private final int maxExchanges;
    /** Open connections holding exchanges until they end. */
    private final int maxPending;
    private final ArrayDeque<Connection> recent = new ArrayDeque<>();
    private final ArrayDeque<Connection> warned = new ArrayDeque<>();
    private final Map<Long, List<Exchange>> pending = new HashMap<>();
    /** Exchanges held, pending or drawn. */
    private int exchangeCount;
    private long omittedConnections;
    private long omittedExchanges;

    /** Keeps the latest {@code connections} connections, and a quarter as many with warnings besides. */
    public Timeline(int connections) {
        this.maxRecent = connections;
        this.maxWarned = Math.max(1, connections / 4);
        this.maxExchanges = connections;
        this.maxPending = Math.max(1, connections / 4);
    }

    /** A timeline that keeps nothing: no report draws it. */
    public static Timeline none() {
        return new Timeline(0);
    }

    /** The most connections it keeps, recent and warned. */
    int capacity() {
        return maxRecent == 0 ? 0 : maxRecent + maxWarned;
    }

    /**
     * An exported exchange; it joins its connection when that is exported (always later). Open
     * connections hold a place from their first exchange, so thousands of open connections cost
     * the timeline nothing beyond its bound.
     */
    @Override
    public synchronized void exchangeFinished(ExchangeFinished item) {
        if (maxRecent == 0) {
            return;
        }
        List<Exchange> list = pending.get(item.connection().id());
        if (list == null) {
            if (pending.size() >= maxPending) {
                omittedExchanges++;
                return;
            }
            list = new ArrayList<>();
            pending.put(item.connection().id(), list);
        }
        while (exchangeCount >= maxExchanges && !recent.isEmpty()) {
            drop(recent.removeFirst()); // the oldest connections give their place to the newest exchanges
        }
        if (exchangeCount >= maxExchanges || list.size() >= MAX_EXCHANGES_PER_CONNECTION) {
            omittedExchanges++;
            return;
        }
        list.add(new Exchange(item.exchange(), rules(item.warnings())));
        exchangeCount++;
    }

    @Override
    public synchronized void connectionEnded(ConnectionEnded ended) {
        if (maxRecent == 0) {
            return;
        }
        ConnectionRecord r = ended.connection();
        List<Exchange> exchanges = pending.remove(r.id());
        Connection c = new Connection(r, rules(ended.warnings()), exchanges == null ? List.of() : exchanges);
        ArrayDeque<Connection> ring = c.warned ? warned : recent;
        if (ring.size() >= (c.warned ? maxWarned : maxRecent)) {
            drop(ring.removeFirst());
        }
        ring.addLast(c);
    }

    private static boolean anyWarned(List<Exchange> exchanges) {
        for (Exchange x : exchanges) {
            if (!x.warnings.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** A connection that gives up its place: counted, with its exchanges. */
    private void drop(Connection c) {
        omittedConnections++;
        exchangeCount -= c.exchanges.size();
        omittedExchanges += c.exchanges.size();
    }

    /** The connections kept, recent and warned, in no particular order. */
    synchronized List<Connection> connections() {
        List<Connection> all = new ArrayList<>(recent.size() + warned.size());
        all.addAll(recent);
        all.addAll(warned);
        return all;
    }

    /** Connections exported but no longer (or never) kept, because the rings were full. */
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
