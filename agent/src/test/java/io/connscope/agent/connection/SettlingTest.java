package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireExchange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lifecycle housekeeping on a test's clock: when an ended connection is settled, and what goes out then. */
class SettlingTest {

    private static final long MS = 1_000_000L;

    private final ConnectionRegistry registry = new ConnectionRegistry(10);
    private final Destinations destinations = new Destinations(10);
    /** What reached the sink, in order: "exchange 1/2" or "connection 1". */
    private final List<String> out = new ArrayList<>();
    private final FinishedSink sink = new FinishedSink() {
        @Override
        public void connection(ConnectionRecord connection) {
            out.add("connection " + connection.id);
        }

        @Override
        public void exchange(ConnectionRecord connection, WireExchange exchange) {
            out.add("exchange " + connection.id + "/" + exchange.index());
        }
    };
    private final WireAnalysis http = new WireAnalysis(sink, new ResendDetector(10, 1_000 * MS), null,
        AnalysisMemory.unlimited(), List.of());
    private final ConnectionEndings endings = new ConnectionEndings(registry, http, new EngineTls(registry, http), sink);

    private ConnectionRecord open(Object key, long id, long at) {
        ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 80), at);
        r.connectEndNanos = at; // 0 would be a connect still pending
        r.events.add(ConnectionEvent.CONNECT);
        registry.register(key, r);
        return r;
    }

    @Test
    void anEndedConnectionIsSettledOnlyOnceItHasBeenClosedForTheSettleTime() {
        Object key = new Object();
        ConnectionRecord r = open(key, 1, MS);
        endings.closing(key);
        long end = r.endNanos;
        assertThat(r.isFinished()).isTrue();

        endings.settle(end + Housekeeping.SETTLE_NANOS - 1, false);
        assertThat(out).isEmpty();
        assertThat(registry.get(key)).as("still findable: a late hook on another thread finds its record").isSameAs(r);

        endings.settle(end + Housekeeping.SETTLE_NANOS, false);
        assertThat(out).containsExactly("connection 1");
        assertThat(registry.get(key)).isNull();

        endings.settle(end + 10 * Housekeeping.SETTLE_NANOS, false);
        assertThat(out).as("settled once").containsExactly("connection 1");
    }

    @Test
    void settlingCompletesTheHttpAnalysisSoTheLastExchangeGoesOutBeforeItsConnection() {
        Object key = new Object();
        ConnectionRecord r = open(key, 7, MS);
        r.wire = new HttpConnection(e -> sink.exchange(r, e), AnalysisMemory.unlimited().lease());
        byte[] request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345".getBytes(StandardCharsets.US_ASCII);
        r.wire.feed(true, request, 0, request.length);
        r.wire.feed(false, response, 0, response.length);
        endings.closing(key);
        assertThat(out).as("the truncated response is only known to be cut once the connection settles").isEmpty();

        endings.settle(r.endNanos + Housekeeping.SETTLE_NANOS, false);
        assertThat(out).containsExactly("exchange 7/1", "connection 7");
    }

    @Test
    void atExitTheOpenConnectionsEndAndEverythingSettlesAtOnceInTheOrderTheyEnded() {
        Object first = new Object();
        Object second = new Object();
        Object open = new Object();
        open(first, 1, MS);
        open(second, 2, MS);
        open(open, 3, MS);
        endings.closing(second);
        endings.closing(first);
        endings.endAllOpen(5 * MS);
        endings.settle(5 * MS, true);
        assertThat(out).containsExactly("connection 2", "connection 1", "connection 3");
        assertThat(registry.open()).isEmpty();
    }
}
