package io.connscope.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Housekeeping;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.diagnose.Diagnosis;
import io.connscope.agent.diagnose.RuleCatalog;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pipeline's own contract: housekeeping, then diagnosis, then every sink, in order, on one thread. */
class EventPipelineTest {

    private final Destinations destinations = new Destinations(10);
    private final EventQueue queue = new EventQueue(4);
    private final List<String> calls = new ArrayList<>();
    private long now = 1_000_000_000L;

    /** A lifecycle whose settling hands over what the test put in {@link #settling}. */
    private final List<ConnectionRecord> settling = new ArrayList<>();
    /** What the lifecycle says is open. */
    private final List<ConnectionRecord> openNow = new ArrayList<>();
    private final Housekeeping lifecycle = new Housekeeping() {
        @Override
        public void settle(long nowNanos, boolean everything) {
            calls.add("settle " + (nowNanos - 1_000_000_000L) + (everything ? " everything" : ""));
            settling.forEach(queue::connection);
            settling.clear();
        }

        @Override
        public List<ConnectionRecord> open() {
            calls.add("open");
            return new ArrayList<>(openNow);
        }

        @Override
        public void endAllOpen(long nowNanos) {
            calls.add("endAllOpen");
        }
    };

    private class Recording implements EventSink {
        final String name;

        Recording(String name) {
            this.name = name;
        }

        @Override
        public void start() {
            calls.add(name + " start");
        }

        @Override
        public void exchangeFinished(ExchangeFinished e) {
            calls.add(name + " exchange " + e.connection().id() + "/" + e.exchange().index() + rules(e.warnings()));
        }

        @Override
        public void connectionEnded(ConnectionEnded e) {
            calls.add(name + " connection " + e.connection().id() + rules(e.warnings()));
        }

        @Override
        public void connectionsOpen(List<ConnectionSnapshot> snapshots) {
            for (ConnectionSnapshot s : snapshots) {
                calls.add(name + " open " + s.connection().id() + " age " + s.ageNanos / 1_000_000 + " ms, idle "
                    + s.idleNanos / 1_000_000 + " ms, " + s.state + ", " + s.requests + "/" + s.responses + " exchanges, "
                    + s.bytesSent + "/" + s.bytesReceived + " bytes, " + s.warnings + " warnings, #" + s.sequence);
            }
        }

        @Override
        public void stop(long deadlineNanos, long timeoutMillis, String budget) {
            calls.add(name + " stop " + timeoutMillis + " " + budget);
        }
    }

    private static String rules(List<io.connscope.agent.diagnose.Warning> warnings) {
        return warnings.isEmpty() ? "" : " " + warnings.stream().map(w -> w.rule).collect(Collectors.toList());
    }

    private EventPipeline pipeline(EventSink... sinks) {
        Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(100, 1000));
        return new EventPipeline(queue, lifecycle, diagnosis, List.of(sinks), () -> now, SnapshotSchedule.never());
    }

    /** A client connection that carried one GET answered by a body cut short (a truncated-body exchange). */
    private ConnectionRecord connectionWithTruncatedExchange(long id) {
        ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 80), 0L);
        TestRecords.connectEndNanos(r, 1L);
        r.events().add(ConnectionEvent.CONNECT);
        TestRecords.http(r, new HttpConnection(e -> queue.exchange(r, e), AnalysisMemory.unlimited().lease()));
        byte[] request = "GET /a HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345".getBytes(StandardCharsets.US_ASCII);
        r.http().feed(true, request, 0, request.length);
        r.http().feed(false, response, 0, response.length);
        r.events().add(ConnectionEvent.EOF);
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(2L);
        r.http().end(2L);
        return r;
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    /** A client connection opened at {@code open} that has sent a request (30 bytes) still unanswered. */
    private ConnectionRecord openWithRequestInFlight(long id, long open) {
        ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 80), open);
        TestRecords.connectEndNanos(r, open);
        TestRecords.http(r, new HttpConnection(e -> queue.exchange(r, e), AnalysisMemory.unlimited().lease()));
        byte[] request = "GET /a HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        r.onWrite(request.length, open + ms(100));
        r.http().feed(true, request, 0, request.length);
        return r;
    }

    @Test
    void connectionsOpenLongerThanTheIntervalAreDescribedAtEachIntervalLongestLivedFirst() {
        long start = now;
        SnapshotSchedule schedule = new SnapshotSchedule(1000, 2, start);
        EventPipeline pipeline = new EventPipeline(queue, lifecycle, new Diagnosis(new RuleCatalog(Map.of()),
            new WarningLog(100, 1000)), List.of(new Recording("otel")), () -> now, schedule);
        ConnectionRecord a = openWithRequestInFlight(1, start);
        ConnectionRecord b = new ConnectionRecord(2, Role.SERVER, "socket", destinations.of(Role.SERVER, null, 8080),
            start + ms(500));
        openNow.addAll(List.of(a, b));
        now = start + ms(999);
        pipeline.tick(false);
        assertThat(calls).containsExactly("settle " + ms(999)); // not yet an interval: the open connections not asked for
        calls.clear();
        now = start + ms(1000);
        pipeline.tick(false);
        assertThat(calls).containsExactly("settle " + ms(1000), "open",
            "otel open 1 age 1000 ms, idle 900 ms, active, 1/0 exchanges, 30/0 bytes, 0 warnings, #1");
        calls.clear();
        now = start + ms(1999);
        pipeline.tick(false);
        assertThat(calls).containsExactly("settle " + ms(1999));
        calls.clear();
        // A third connection, old enough, and a fourth too young: two at most, the longest-lived first.
        openNow.add(new ConnectionRecord(3, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "db", 5432), start + ms(900)));
        openNow.add(new ConnectionRecord(4, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "db", 5432), start + ms(2500)));
        now = start + ms(3000);
        pipeline.tick(false);
        assertThat(calls).containsExactly("settle " + ms(3000), "open",
            "otel open 1 age 3000 ms, idle 2900 ms, active, 1/0 exchanges, 30/0 bytes, 0 warnings, #2",
            "otel open 2 age 2500 ms, idle 2500 ms, open, -1/-1 exchanges, 0/0 bytes, 0 warnings, #1");
        assertThat(schedule.skipped()).isEqualTo(1);
        // Off (an interval of 0): nothing is ever described, and the open connections are not asked for.
        calls.clear();
        SnapshotSchedule off = new SnapshotSchedule(0, 2, start);
        EventPipeline quiet = new EventPipeline(queue, lifecycle, new Diagnosis(new RuleCatalog(Map.of()),
            new WarningLog(100, 1000)), List.of(new Recording("otel")), () -> now, off);
        quiet.tick(false);
        assertThat(calls).containsExactly("settle " + ms(3000));
        // At exit, nothing is described: every connection ends there.
        calls.clear();
        now = start + ms(9000);
        pipeline.tick(true);
        assertThat(calls).containsExactly("settle " + ms(9000) + " everything");
    }

    @Test
    void eachTickSettlesThenDiagnosesThenHandsEveryEventToEverySinkInOrder() {
        EventPipeline pipeline = pipeline(new Recording("timeline"), new Recording("otel"));
        pipeline.startSinks();
        settling.add(connectionWithTruncatedExchange(3));
        now += 5;
        pipeline.tick(false);
        assertThat(calls).containsExactly(
            "timeline start", "otel start",
            "settle 5",
            "timeline exchange 3/1 [truncated-body]", "otel exchange 3/1 [truncated-body]",
            "timeline connection 3", "otel connection 3");
    }

    @Test
    void aSinkThatThrowsLosesThatEventAloneAndTheOtherSinksGetIt() {
        EventSink failing = new Recording("failing") {
            @Override
            public void connectionEnded(ConnectionEnded e) {
                throw new IllegalStateException("a bug in a sink");
            }
        };
        EventPipeline pipeline = pipeline(failing, new Recording("report"));
        settling.add(connectionWithTruncatedExchange(1));
        pipeline.tick(false);
        settling.add(connectionWithTruncatedExchange(2));
        pipeline.tick(false);
        assertThat(calls).filteredOn(c -> c.contains("connection"))
            .containsExactly("report connection 1", "report connection 2");
    }

    @Test
    void exchangesBeyondTheQueuesCapacityAreDroppedAndCountedNeverBlocking() {
        ConnectionRecord r = new ConnectionRecord(9, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 80), 0L);
        for (int i = 0; i < 6; i++) {
            queue.exchange(r, null);
        }
        assertThat(queue.dropped()).isEqualTo(2);
    }

    @Test
    void shutdownEndsTheOpenConnectionsSettlesEverythingAndStopsEachSinkWithTheBudgetStartingThemIfNeverStarted() {
        Recording sink = new Recording("report");
        EventPipeline pipeline = pipeline(sink);
        settling.add(connectionWithTruncatedExchange(4));
        pipeline.shutdown(System.nanoTime() + 1_000_000_000L, 750, "three quarters");
        assertThat(calls).containsExactly("report start", "endAllOpen", "settle 0 everything",
            "report exchange 4/1 [truncated-body]", "report connection 4", "report stop 750 three quarters");
    }

    @Test
    void aSinkThatFailsToStartDoesNotKeepTheOthersFromStarting() {
        EventSink broken = new Recording("broken") {
            @Override
            public void start() {
                throw new IllegalStateException("no collector configuration");
            }
        };
        pipeline(broken, new Recording("report")).startSinks();
        assertThat(calls).containsExactly("report start");
    }
}
