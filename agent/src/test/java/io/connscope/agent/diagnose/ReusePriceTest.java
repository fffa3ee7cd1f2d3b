package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.TimedExchanges;
import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The price of not reusing on recorded timings: the saving per request and in all, the avoidable
 * connections, the large responses' transfer rates, and when setup-dominates claims it.
 */
class ReusePriceTest {

    private final Destinations destinations = new Destinations(10);
    private final List<Warning> raised = new ArrayList<>();
    private Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(100, 1000));
    private long ids;

    private static long ms(double millis) {
        return Math.round(millis * 1_000_000);
    }

    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    /**
     * A connection opened at {@code open} (ms), connected 1 ms later, with a TLS handshake of
     * {@code tlsMs} when above 0, carrying the given exchanges (their bytes through the real HTTP
     * analysis, their times as given), then closed by this side 1 ms after the last response, and
     * settled as lifecycle tracking settles it: the destination's totals, then the connection rules.
     */
    private ConnectionRecord connection(Destination d, long open, long concurrent, double tlsMs, HttpExchange... exchanges) {
        ConnectionRecord r = new ConnectionRecord(++ids, d.role, "socket", d, ms(open));
        TestRecords.connectEndNanos(r, ms(open + 1));
        TestRecords.concurrentAtOpen(r, concurrent);
        r.events().add(d.role == Role.CLIENT ? ConnectionEvent.CONNECT : ConnectionEvent.ACCEPT);
        if (tlsMs > 0) {
            TestRecords.tls(r, new TlsInfo(ms(open + 1), ms(open + 1 + tlsMs), "TLSv1.3", "c", false, null, null));
        }
        HttpConnection http = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        TestRecords.http(r, http);
        long lastEnd = ms(open + 1);
        for (HttpExchange e : exchanges) {
            http.feed(d.role == Role.CLIENT, REQUEST, 0, REQUEST.length);
            http.feed(d.role != Role.CLIENT, RESPONSE, 0, RESPONSE.length);
            r.onWrite(REQUEST.length, e.requestStartNanos());
            r.onRead(RESPONSE.length, e.responseEndNanos());
            lastEnd = e.responseEndNanos();
            raised.addAll(diagnosis.check(r, e));
        }
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(lastEnd + ms(1));
        http.end(lastEnd + ms(1));
        d.stats.addEnded(r, r.classification());
        d.stats.addHttp(r, http);
        raised.addAll(diagnosis.check(r));
        return r;
    }

    /** A new connection's only exchange: 45 ms of setup (connect 1 ms, TLS 40 ms, 4 ms of the client's own), 41 ms of exchange. */
    private void perRequest(Destination d, long open, long concurrent) {
        connection(d, open, concurrent, 40, TimedExchanges.complete(1, ms(open + 45), ms(open + 85), ms(open + 86), 100));
    }

    /** A pooled connection: its first exchange as a per-request one's, then {@code reused} more of 41 ms each. */
    private void pooled(Destination d, long open, int reused) {
        List<HttpExchange> exchanges = new ArrayList<>();
        exchanges.add(TimedExchanges.complete(1, ms(open + 45), ms(open + 85), ms(open + 86), 100));
        for (int i = 0; i < reused; i++) {
            long start = open + 100 + 50L * i;
            exchanges.add(TimedExchanges.complete(i + 2, ms(start), ms(start + 40), ms(start + 41), 100));
        }
        connection(d, open, 1, 40, exchanges.toArray(new HttpExchange[0]));
    }

    private List<String> rules() {
        return raised.stream().map(w -> w.rule).collect(Collectors.toList());
    }

    @Test
    void aDestinationReachedBothWaysIsPricedFromItsReusedRequests() {
        Destination d = destinations.of(Role.CLIENT, "api", 443);
        pooled(d, 0, 9);
        for (int i = 0; i < 10; i++) {
            perRequest(d, 1000 + 100L * i, 2);
        }
        ReusePrice p = ReusePrice.of(d.stats.reuse);
        assertThat(p.newExchanges).isEqualTo(11);
        assertThat(p.reusedExchanges).isEqualTo(9);
        assertThat(p.peakOpen).isEqualTo(2);
        assertThat(p.closedAfterOne).isEqualTo(10);
        assertThat(p.avoidable).isEqualTo(9);
        assertThat(p.newMeanNanos).isEqualTo(ms(86));
        assertThat(p.reusedMeanNanos).isEqualTo(ms(41));
        assertThat(p.setupMeanNanos).isEqualTo(ms(45));
        assertThat(p.savingPerRequestNanos).as("the setup, what a reused connection does not pay").isEqualTo(ms(45));
        assertThat(p.savingTotalNanos).isEqualTo(ms(405));
        assertThat(p.requestNanos()).isEqualTo(ms(41));
        assertThat(p.connectMeanNanos).isEqualTo(ms(1));
        assertThat(p.tlsMeanNanos).isEqualTo(ms(40));
        assertThat(p.headline()).isEqualTo("reusing connections would have saved at least 45 ms per request, 405 ms in all"
            + " (9 of 11 new connections avoidable)");
        assertThat(p.basis()).isEqualTo("A new connection paid 45 ms before its request (connect 1.0 ms, TLS 40 ms; 495 ms"
            + " in all over 11 new connections: connect 11 ms, TLS 440 ms); 10 closed by the client right after their one"
            + " request, 2 open at once at most. Requests on new connections took 86 ms from the connect's start (first"
            + " byte 40 ms after the request, transfer 1.0 ms), 9 on reused ones 41 ms from the request (first byte 40 ms,"
            + " transfer 1.0 ms)");
        assertThat(p.rates()).isNull();
        // Claimed once, at the connection that made 5 avoidable: the pooled one and 6 per-request ones, 2 open at once.
        assertThat(rules()).containsExactly("setup-dominates");
        assertThat(raised.get(0).evidence).isEqualTo("7 requests to this destination went on new connections, 6 of them"
            + " on connections the client closed right after their one request, and at most 2 connection(s) were open to"
            + " it at once, so 5 could have reused one. Each new connection paid 45 ms on average before its request could"
            + " be sent (connect 1.0 ms, TLS handshake 40 ms), 110% of the 41 ms the request then took on it: reusing"
            + " would have saved at least 45 ms per request, 225 ms in all so far.");
    }

    @Test
    void withoutReusedRequestsTheSavingIsStillTheSetup() {
        Destination d = destinations.of(Role.CLIENT, "api", 443);
        for (int i = 0; i < 6; i++) {
            perRequest(d, 100L * i, 1);
        }
        ReusePrice p = ReusePrice.of(d.stats.reuse);
        assertThat(p.reusedMeanNanos).isEqualTo(-1);
        assertThat(p.savingPerRequestNanos).isEqualTo(ms(45));
        assertThat(p.requestNanos()).isEqualTo(ms(41));
        assertThat(p.headline()).isEqualTo("reusing connections would have saved at least 45 ms per request, 225 ms in"
            + " all (5 of 6 new connections avoidable)");
        assertThat(p.basis()).endsWith(", none went on a reused one");
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).evidence).startsWith("6 requests to this destination went on new connections, 6 of them"
            + " on connections the client closed right after their one request, and at most 1 connection(s) were open to"
            + " it at once, so 5 could have reused one.");
    }

    @Test
    void connectionsTheServerClosedOrThatIdledOutOfThePoolAreNotAvoidable() {
        Destination d = destinations.of(Role.CLIENT, "api", 443);
        // The server announced its close in the response: a client keeping its pool could not have kept these either.
        byte[] closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 6; i++) {
            closedAfter(d, 100L * i, closing, 1);
        }
        assertThat(ReusePrice.of(d.stats.reuse).closedAfterOne).isZero();
        // A pooled connection that sat idle past the pool's keep-alive (5 s here) before the client closed it.
        Destination idled = destinations.of(Role.CLIENT, "idle", 443);
        for (int i = 0; i < 6; i++) {
            closedAfter(idled, 10_000L * i, RESPONSE, 5_000);
        }
        assertThat(ReusePrice.of(idled.stats.reuse).closedAfterOne).isZero();
        assertThat(ReusePrice.of(idled.stats.reuse).headline()).isNull();
        assertThat(raised).isEmpty();
    }

    /** A client connection whose one GET got {@code response}, closed by this side {@code idleMs} after it. */
    private void closedAfter(Destination d, long open, byte[] response, long idleMs) {
        ConnectionRecord r = new ConnectionRecord(++ids, Role.CLIENT, "socket", d, ms(open));
        TestRecords.connectEndNanos(r, ms(open + 1));
        TestRecords.concurrentAtOpen(r, 1);
        r.events().add(ConnectionEvent.CONNECT);
        HttpConnection http = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        TestRecords.http(r, http);
        http.feed(true, REQUEST, 0, REQUEST.length);
        http.feed(false, response, 0, response.length);
        r.onWrite(REQUEST.length, ms(open + 45));
        r.onRead(response.length, ms(open + 86));
        raised.addAll(diagnosis.check(r, TimedExchanges.complete(1, ms(open + 45), ms(open + 85), ms(open + 86), 2)));
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(ms(open + 86 + idleMs));
        http.end(ms(open + 86 + idleMs));
        d.stats.addEnded(r, r.classification());
        d.stats.addHttp(r, http);
        raised.addAll(diagnosis.check(r));
    }

    @Test
    void connectionsEachReusedByTheirOwnClientAreNotAvoidable() {
        // Eight clients one after another (eight libraries, each with its pool), each connection reused 3 times.
        Destination d = destinations.of(Role.CLIENT, "api", 443);
        for (int i = 0; i < 8; i++) {
            pooled(d, 1000L * i, 3);
        }
        ReusePrice p = ReusePrice.of(d.stats.reuse);
        assertThat(p.newExchanges).isEqualTo(8);
        assertThat(p.closedAfterOne).isZero();
        assertThat(p.avoidable).isZero();
        assertThat(p.headline()).isNull();
        assertThat(raised).isEmpty();
    }

    @Test
    void connectionsOpenAtOnceAreNotAvoidable() {
        Destination d = destinations.of(Role.CLIENT, "api", 443);
        for (int i = 0; i < 6; i++) {
            perRequest(d, 0, i + 1); // six opened together: a pool of six would have needed them all
        }
        ReusePrice p = ReusePrice.of(d.stats.reuse);
        assertThat(p.avoidable).isZero();
        assertThat(p.headline()).isNull();
        assertThat(raised).isEmpty();
    }

    @Test
    void aCheapSetupOrOneSmallBesideTheRequestIsNotClaimed() {
        // Loopback: a new connection costs 0.3 ms more than a reused one, far under saving.ms (20).
        Destination loopback = destinations.of(Role.CLIENT, "localhost", 8080);
        connection(loopback, 0, 1, 0, TimedExchanges.complete(1, ms(0.3), ms(1.2), ms(1.3), 10),
            TimedExchanges.complete(2, ms(5), ms(5.9), ms(6), 10), TimedExchanges.complete(3, ms(7), ms(7.9), ms(8), 10),
            TimedExchanges.complete(4, ms(9), ms(9.9), ms(10), 10));
        for (int i = 0; i < 10; i++) {
            connection(loopback, 100 + 10L * i, 2, 0, TimedExchanges.complete(1, ms(100 + 10 * i + 0.3),
                ms(100 + 10 * i + 1.2), ms(100 + 10 * i + 1.3), 10));
        }
        // Far away but slow to answer: 45 ms of setup beside 400 ms requests is 11 %, under percent (50).
        Destination slow = destinations.of(Role.CLIENT, "report", 443);
        List<HttpExchange> pooled = new ArrayList<>();
        pooled.add(TimedExchanges.complete(1, ms(45), ms(445), ms(446), 100));
        for (int i = 0; i < 3; i++) {
            pooled.add(TimedExchanges.complete(i + 2, ms(500 + 500 * i), ms(900 + 500 * i), ms(901 + 500 * i), 100));
        }
        connection(slow, 0, 1, 40, pooled.toArray(new HttpExchange[0]));
        for (int i = 0; i < 10; i++) {
            long open = 3000 + 500L * i;
            connection(slow, open, 2, 40, TimedExchanges.complete(1, ms(open + 45), ms(open + 445), ms(open + 446), 100));
        }
        assertThat(ReusePrice.of(loopback.stats.reuse).savingPerRequestNanos).isEqualTo(ms(0.3));
        assertThat(ReusePrice.of(slow.stats.reuse).savingPerRequestNanos).isEqualTo(ms(45));
        assertThat(raised).isEmpty();
        // Thresholds are settings: at saving.ms=0 the loopback destination is claimed, at percent=10 the slow one.
        diagnosis = new Diagnosis(new RuleCatalog(Map.of("connscope.rule.setup-dominates.saving.ms", "0",
            "connscope.rule.setup-dominates.percent", "10")), new WarningLog(100, 1000));
        perRequest(destinations.of(Role.CLIENT, "localhost", 8080), 500, 1);
        connection(slow, 9000, 1, 40, TimedExchanges.complete(1, ms(9045), ms(9445), ms(9446), 100));
        assertThat(rules()).containsExactly("setup-dominates", "setup-dominates");
    }

    @Test
    void failedExchangesAndInboundConnectionsAreNotPriced() {
        Destination d = destinations.of(Role.CLIENT, "api", 443);
        connection(d, 0, 1, 40, TimedExchanges.failed(1, ms(45), ms(85), ms(86)));
        assertThat(ReusePrice.of(d.stats.reuse)).isNull();
        Destination inbound = destinations.of(Role.SERVER, null, 8443);
        connection(inbound, 0, 1, 40, TimedExchanges.complete(1, ms(45), ms(85), ms(86), 100));
        assertThat(ReusePrice.of(inbound.stats.reuse)).isNull();
    }

    @Test
    void largeResponsesCompareTheirTransferRateOnFirstAndLaterExchanges() {
        Destination d = destinations.of(Role.CLIENT, "cdn", 443);
        // 1 MB: 100 ms on a cold connection's first exchange (10 MB/s), 20 ms once its window has grown (50 MB/s).
        for (int i = 0; i < 2; i++) {
            long open = 1000L * i;
            connection(d, open, 1, 40, TimedExchanges.complete(1, ms(open + 45), ms(open + 85), ms(open + 185), 1_000_000),
                TimedExchanges.complete(2, ms(open + 200), ms(open + 240), ms(open + 260), 1_000_000),
                TimedExchanges.complete(3, ms(open + 300), ms(open + 340), ms(open + 360), 1_000_000),
                // under 64 KiB: latency, not a rate
                TimedExchanges.complete(4, ms(open + 400), ms(open + 440), ms(open + 540), 65_535));
        }
        ReusePrice p = ReusePrice.of(d.stats.reuse);
        assertThat(p.firstRateResponses).isEqualTo(2);
        assertThat(p.laterRateResponses).isEqualTo(4);
        assertThat(p.firstRate).isEqualTo(1e7);
        assertThat(p.laterRate).isEqualTo(5e7);
        assertThat(p.rates()).isEqualTo("responses of 64 KiB or more arrived at 10.0 MB/s on a connection's first exchange"
            + " (2) and 50.0 MB/s on later ones (4)");
        assertThat(p.basis()).endsWith("; " + p.rates());
        // Only first exchanges, or only later ones: nothing to compare.
        Destination once = destinations.of(Role.CLIENT, "once", 443);
        connection(once, 0, 1, 40, TimedExchanges.complete(1, ms(45), ms(85), ms(185), 1_000_000));
        assertThat(ReusePrice.of(once.stats.reuse).rates()).isNull();
    }
}
