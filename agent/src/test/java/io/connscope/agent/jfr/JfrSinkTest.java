package io.connscope.agent.jfr;

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
import io.connscope.agent.pipeline.ConnectionSnapshot;
import io.connscope.agent.pipeline.EventPipeline;
import io.connscope.agent.pipeline.SnapshotSchedule;
import io.connscope.agent.pipeline.EventQueue;
import io.connscope.agent.pipeline.EventSink;
import io.connscope.agent.resp.RespProtocol;
import io.connscope.agent.runtime.Clock;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireAnalyser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JFR sink driven through a real pipeline, into a real recording, read back with RecordingFile. */
class JfrSinkTest {

    @TempDir
    Path dir;

    private final Destinations destinations = new Destinations(10);
    private final EventQueue queue = new EventQueue(16);
    private final List<ConnectionRecord> settling = new ArrayList<>();

    /** A client connection whose one GET got 5 of the 10 body bytes its response declared. */
    private ConnectionRecord truncated() {
        ConnectionRecord r = new ConnectionRecord(7, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 8080), 1L);
        TestRecords.connectEndNanos(r, 1_000_001L);
        r.events().add(ConnectionEvent.CONNECT);
        TestRecords.http(r, new HttpConnection(e -> queue.exchange(r, e), AnalysisMemory.unlimited().lease()));
        byte[] request = "GET /orders/9?secret=1 HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345".getBytes(StandardCharsets.US_ASCII);
        r.onWrite(request.length, 2_000_000L);
        r.http().feed(true, request, 0, request.length);
        r.onRead(response.length, 3_000_000L);
        r.http().feed(false, response, 0, response.length);
        r.onRead(-1, 4_000_000L);
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(5_000_000L);
        r.http().end(5_000_000L);
        return r;
    }

    /** A client connection to Redis whose one command the server refused. */
    private ConnectionRecord redis() {
        ConnectionRecord r = new ConnectionRecord(8, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "cache", 6379), 1L);
        TestRecords.connectEndNanos(r, 1_000_001L);
        r.events().add(ConnectionEvent.CONNECT);
        WireAnalyser resp = new RespProtocol().start(e -> queue.exchange(r, e), AnalysisMemory.unlimited().lease());
        byte[] command = "*3\r\n$5\r\nLPUSH\r\n$1\r\nk\r\n$1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] reply = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
            .getBytes(StandardCharsets.US_ASCII);
        resp.feed(true, command, 0, command.length);
        resp.feed(false, reply, 0, reply.length);
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(5_000_000L);
        return r;
    }

    private EventPipeline pipeline(EventSink sink) {
        Housekeeping lifecycle = new Housekeeping() {
            @Override
            public void settle(long nowNanos, boolean everything) {
                settling.forEach(queue::connection);
                settling.clear();
            }

            @Override
            public List<ConnectionRecord> open() {
                return new ArrayList<>();
            }

            @Override
            public void endAllOpen(long nowNanos) {
            }
        };
        return new EventPipeline(queue, lifecycle, new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(10, 100)),
            List.of(sink), System::nanoTime, SnapshotSchedule.never());
    }

    /** A connection's exchanges through the sink, into a recording that enables only these event types. */
    private List<RecordedEvent> record(ConnectionRecord connection, String... enabled) throws Exception {
        EventSink sink = JfrSink.ifAvailable(new Clock());
        assertThat(sink).as("the JDK running the tests has JFR").isNotNull();
        Path file = dir.resolve("sink.jfr");
        try (Recording recording = new Recording()) {
            for (String type : List.of(ConnectionEndedEvent.NAME, HttpExchangeEvent.NAME, ExchangeEvent.NAME,
                WarningEvent.NAME)) {
                if (List.of(enabled).contains(type)) {
                    recording.enable(type);
                } else {
                    recording.disable(type);
                }
            }
            recording.start();
            settling.add(connection);
            pipeline(sink).shutdown(System.nanoTime() + 5_000_000_000L, 5000, "the test's");
            recording.stop();
            recording.dump(file);
        }
        return RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().startsWith("connscope.")).collect(Collectors.toList());
    }

    @Test
    void aConnectionItsExchangeAndItsWarningAreRecordedWithTheirFacts() throws Exception {
        List<RecordedEvent> events = record(truncated(), ConnectionEndedEvent.NAME, HttpExchangeEvent.NAME,
            ExchangeEvent.NAME, WarningEvent.NAME);
        assertThat(events).extracting(e -> e.getEventType().getName())
            .containsExactly(HttpExchangeEvent.NAME, WarningEvent.NAME, ConnectionEndedEvent.NAME);

        RecordedEvent exchange = events.get(0);
        assertThat(exchange.getLong("connectionId")).isEqualTo(7);
        assertThat(exchange.getString("method")).isEqualTo("GET");
        assertThat(exchange.getString("path")).as("never the query").isEqualTo("/orders/9");
        assertThat(exchange.getInt("status")).isEqualTo(200);
        assertThat(exchange.getLong("responseBodyBytes")).isEqualTo(5);
        assertThat(exchange.getString("failure")).isEqualTo("truncated_response");
        assertThat(exchange.getString("warnings")).isEqualTo("truncated-body");

        RecordedEvent warning = events.get(1);
        assertThat(warning.getString("rule")).isEqualTo("truncated-body");
        assertThat(warning.getString("severity")).isEqualTo("WARN");
        assertThat(warning.getString("evidence")).contains("received 5 of 10 bytes");
        assertThat(warning.getString("destination")).isEqualTo("api:8080");

        RecordedEvent connection = events.get(2);
        assertThat(connection.getString("role")).isEqualTo("client");
        assertThat(connection.getString("destination")).isEqualTo("api:8080");
        assertThat(connection.getLong("bytesSent")).isEqualTo(46);
        assertThat(connection.getLong("bytesReceived")).isEqualTo(44);
        assertThat(connection.getLong("connectDuration")).isEqualTo(1_000_000L);
        assertThat(connection.getLong("lifetime")).isEqualTo(4_999_999L);
        assertThat(connection.getString("closeClassification")).isEqualTo("peer-first");
        assertThat(connection.getInt("httpRequests")).isEqualTo(1);
        assertThat(connection.getLong("ended") - connection.getLong("opened")).isBetween(4L, 5L);
    }

    @Test
    void aSnapshotOfAnOpenConnectionIsRecordedWithItsFacts() throws Exception {
        ConnectionRecord r = new ConnectionRecord(9, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 8080), 1L);
        TestRecords.connectEndNanos(r, 1_000_001L);
        TestRecords.http(r, new HttpConnection(e -> queue.exchange(r, e), AnalysisMemory.unlimited().lease()));
        byte[] request = "GET /stream HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        r.onWrite(request.length, 2_000_000L);
        r.http().feed(true, request, 0, request.length);
        EventSink sink = JfrSink.ifAvailable(new Clock());
        Path file = dir.resolve("snapshot.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(ConnectionSnapshotEvent.NAME);
            recording.start();
            sink.connectionsOpen(List.of(new ConnectionSnapshot(r, 3_000_000_001L, 2, 3)));
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().startsWith("connscope.")).collect(Collectors.toList());
        assertThat(events).extracting(e -> e.getEventType().getName()).containsExactly(ConnectionSnapshotEvent.NAME);
        RecordedEvent snapshot = events.get(0);
        assertThat(snapshot.getLong("connectionId")).isEqualTo(9);
        assertThat(snapshot.getString("role")).isEqualTo("client");
        assertThat(snapshot.getString("destination")).isEqualTo("api:8080");
        assertThat(snapshot.getLong("age")).isEqualTo(3_000_000_000L);
        assertThat(snapshot.getLong("idle")).isEqualTo(2_998_000_001L);
        assertThat(snapshot.getLong("bytesSent")).isEqualTo(request.length);
        assertThat(snapshot.getLong("bytesReceived")).isZero();
        assertThat(snapshot.getLong("httpRequests")).isEqualTo(1);
        assertThat(snapshot.getString("state")).isEqualTo("active");
        assertThat(snapshot.getLong("warnings")).isEqualTo(2);
        assertThat(snapshot.getLong("snapshot")).isEqualTo(3);
    }

    @Test
    void eventTypesARecordingLeavesOffAreNotRecorded() throws Exception {
        assertThat(record(truncated(), WarningEvent.NAME)).extracting(e -> e.getEventType().getName())
            .containsExactly(WarningEvent.NAME);
    }

    @Test
    void anExchangeOfAnotherProtocolIsRecordedAsEveryProtocolTellsIt() throws Exception {
        List<RecordedEvent> events = record(redis(), ConnectionEndedEvent.NAME, HttpExchangeEvent.NAME,
            ExchangeEvent.NAME, WarningEvent.NAME);
        assertThat(events).extracting(e -> e.getEventType().getName())
            .containsExactly(ExchangeEvent.NAME, ConnectionEndedEvent.NAME);
        RecordedEvent exchange = events.get(0);
        assertThat(exchange.getLong("connectionId")).isEqualTo(8);
        assertThat(exchange.getString("destination")).isEqualTo("cache:6379");
        assertThat(exchange.getString("protocol")).isEqualTo("resp");
        assertThat(exchange.getString("operation")).isEqualTo("LPUSH");
        assertThat(exchange.getInt("requestIndex")).isEqualTo(1);
        assertThat(exchange.getString("error")).isEqualTo("WRONGTYPE");
        assertThat(exchange.getString("attributes")).isEqualTo("db.system.name=redis db.operation.name=LPUSH"
            + " db.namespace=0 db.response.status_code=WRONGTYPE connscope.resp.request.bytes=29"
            + " connscope.resp.reply.bytes=68 connscope.resp.awaiting_before=0");
        assertThat(events.get(1).getInt("httpRequests")).isZero();
    }
}
