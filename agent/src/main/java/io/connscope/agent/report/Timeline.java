package io.connscope.agent.report;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.diagnose.ExchangeRecord;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.RequestTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The timing of exported connections and their exchanges, for the HTML report's waterfall.
 * Bounded: the first {@link #MAX_CONNECTIONS} connections are kept whole; later ones are only
 * counted (the tables count them all), and each connection keeps at most
 * {@link #MAX_EXCHANGES_PER_CONNECTION} exchanges. Fed by the export thread; read at exit or by the
 * live report endpoint.
 */
public final class Timeline {

    public static final int MAX_CONNECTIONS = 1000;
    static final int MAX_EXCHANGES_PER_CONNECTION = 100;
    private static final int MAX_PENDING = 20_000;

    /** One exchange's phases, System.nanoTime() values (0 when absent). */
    static final class Exchange {
        final int index;
        final String method;
        final String path;
        final int status;
        final long start;
        final long requestEnd;
        final long responseStart;
        final long responseEnd;
        final String failure;
        final List<String> warnings;

        Exchange(HttpExchange e, List<String> warnings) {
            this.index = e.index;
            this.method = e.method();
            this.path = RequestTarget.path(e.target());
            this.status = e.status();
            this.start = e.requestStartNanos();
            this.requestEnd = e.requestEndNanos();
            this.responseStart = e.responseStartNanos();
            this.responseEnd = e.responseEndNanos();
            this.failure = e.failure();
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
            this.id = r.id;
            this.role = r.role.label();
            this.destination = r.destination.key;
            this.api = r.api;
            this.open = r.openNanos;
            this.connectEnd = r.connectEndNanos;
            TlsInfo tls = r.tls;
            this.tlsStart = tls == null ? 0 : tls.startNanos;
            this.tlsEnd = tls == null ? 0 : tls.endNanos;
            this.end = r.endNanos;
            this.lastActivity = r.lastActivityNanos();
            this.classification = r.classification().label();
            this.sequence = r.sequence();
            this.bytesSent = r.bytesWritten();
            this.bytesReceived = r.bytesRead();
            this.warnings = warnings;
            this.exchanges = exchanges;
        }
    }

    private final List<Connection> connections = new ArrayList<>();
    private final Map<Long, List<Exchange>> pending = new HashMap<>();
    private int pendingCount;
    private long omittedConnections;
    private long omittedExchanges;

    /**
     * An exported exchange; it joins its connection when that is exported (always later). Open
     * connections hold a place from their first exchange, so thousands of open connections cost
     * the timeline nothing beyond its bound.
     */
    public synchronized void exchange(ExchangeRecord item) {
        List<Exchange> list = pending.get(item.connection.id);
        if (list == null) {
            if (connections.size() + pending.size() >= MAX_CONNECTIONS) {
                omittedExchanges++;
                return; // its connection will not be kept either
            }
            list = new ArrayList<>();
            pending.put(item.connection.id, list);
        }
        if (pendingCount >= MAX_PENDING || list.size() >= MAX_EXCHANGES_PER_CONNECTION) {
            omittedExchanges++;
            return;
        }
        list.add(new Exchange(item.exchange, rules(item.warnings)));
        pendingCount++;
    }

    public synchronized void connection(ConnectionRecord r, List<Warning> warnings) {
        List<Exchange> exchanges = pending.remove(r.id);
        if (exchanges != null) {
            pendingCount -= exchanges.size();
        }
        HttpConnection http = r.http;
        boolean lostExchanges = exchanges == null && http != null && http.requests() > 0;
        if (lostExchanges || connections.size() + pending.size() >= MAX_CONNECTIONS) {
            omittedConnections++;
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
