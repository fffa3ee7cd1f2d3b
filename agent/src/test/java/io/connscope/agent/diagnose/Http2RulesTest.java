package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.http.H2Wire;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.wire.AnalysisMemory;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The HTTP/2 rules on connections whose bytes went through the real frame analysis, as either side saw them. */
class Http2RulesTest {

    /** :method GET, :scheme http, :path / from the static table. */
    private static final byte[] GET = {(byte) 0x82, (byte) 0x86, (byte) 0x84};
    /** :status 200. */
    private static final byte[] OK = {(byte) 0x88};

    private final Destinations destinations = new Destinations(10);
    private final Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(100, 1000));

    /** A connection whose server allows {@code limit} streams (-1: says nothing) and whose client opens {@code atOnce}. */
    private ConnectionRecord connection(Role role, int limit, int atOnce, int goawayCode) {
        ConnectionRecord r = new ConnectionRecord(1, role, "channel", destinations.of(role, "api", 443), 0L);
        r.events().add(role == Role.CLIENT ? ConnectionEvent.CONNECT : ConnectionEvent.ACCEPT);
        TestRecords.http(r, new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease()));
        feed(r, true, H2Wire.PREFACE);
        feed(r, true, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        feed(r, false, H2Wire.frame(H2Wire.SETTINGS, 0, 0,
            limit < 0 ? new byte[0] : H2Wire.setting(H2Wire.MAX_CONCURRENT_STREAMS, limit)));
        for (int i = 0; i < atOnce; i++) {
            feed(r, true, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 2 * i + 1, GET));
        }
        for (int i = 0; i < atOnce; i++) {
            feed(r, false, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 2 * i + 1, OK));
        }
        if (goawayCode >= 0) {
            feed(r, false, H2Wire.frame(H2Wire.GOAWAY, 0, 0, H2Wire.concat(H2Wire.int32(2 * atOnce - 1),
                H2Wire.int32(goawayCode))));
        }
        return r;
    }

    private static void feed(ConnectionRecord r, boolean fromClient, byte[] b) {
        r.http().feed(fromClient, b, 0, b.length);
    }

    private List<Warning> check(ConnectionRecord r) {
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(1_000_000L);
        return diagnosis.check(r);
    }

    private static List<String> rules(List<Warning> warnings) {
        return warnings.stream().map(w -> w.rule).collect(Collectors.toList());
    }

    @Test
    void reachingTheServersStreamLimitIsRaisedOnBothSides() {
        for (Role role : Role.values()) {
            List<Warning> raised = check(connection(role, 2, 2, -1));
            assertThat(rules(raised)).as("%s", role).containsExactly(Http2StreamLimitRule.ID);
            assertThat(raised.get(0).evidence).contains("had 2 streams open at once")
                .contains("SETTINGS_MAX_CONCURRENT_STREAMS=2").contains("over 2 streams in all");
        }
    }

    @Test
    void stayingBelowTheLimitOrNoLimitRaisesNothing() {
        assertThat(check(connection(Role.CLIENT, 3, 2, -1))).isEmpty();
        assertThat(check(connection(Role.CLIENT, -1, 5, -1))).isEmpty();
        assertThat(check(connection(Role.CLIENT, 100, 1, 0))).as("a graceful GOAWAY").isEmpty();
    }

    @Test
    void aGoawayWithAnErrorIsRaisedWithAdviceForItsCode() {
        List<Warning> raised = check(connection(Role.CLIENT, 100, 2, 11));
        assertThat(rules(raised)).containsExactly(Http2GoawayErrorRule.ID);
        assertThat(raised.get(0).evidence).isEqualTo("the server ended HTTP/2 connection 1 with GOAWAY ENHANCE_YOUR_CALM"
            + " (11), last processed stream 3, after 2 streams; streams above it were not processed.");
        assertThat(raised.get(0).advice).contains("rapid-reset");
        assertThat(check(connection(Role.SERVER, 100, 1, 1)).get(0).advice).contains("broke the protocol");
    }

    /** :method POST, :scheme http, :path / from the static table. */
    private static final byte[] POST = {(byte) 0x83, (byte) 0x86, (byte) 0x84};
    private static final int RST_STREAM = 3;

    /**
     * Four streams through the real frame analysis, each reset: a POST the server refuses, a POST it resets
     * with INTERNAL_ERROR after the request ended, a POST it resets before the request ended, a GET it
     * resets, and a POST the client cancels. What each rule says of each.
     */
    @Test
    void resetStreamsAreSafeToRetryOnlyWhenRefusedOrIdempotent() {
        List<io.connscope.agent.http.HttpExchange> finished = new java.util.ArrayList<>();
        ConnectionRecord r = new ConnectionRecord(7, Role.CLIENT, "channel", destinations.of(Role.CLIENT, "api", 443), 0L);
        TestRecords.http(r, new HttpConnection(finished::add, AnalysisMemory.unlimited().lease()));
        feed(r, true, H2Wire.PREFACE);
        feed(r, true, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        feed(r, false, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        int[][] streams = {{1, 7, 1}, {3, 2, 1}, {5, 8, 0}, {7, 2, 1}, {9, 8, 1}};
        for (int[] s : streams) {
            boolean get = s[0] == 7;
            feed(r, true, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | (get ? H2Wire.END_STREAM : 0), s[0],
                get ? GET : POST));
            if (!get && s[2] == 1) {
                feed(r, true, H2Wire.frame(H2Wire.DATA, H2Wire.END_STREAM, s[0], new byte[] {'x'}));
            }
            boolean byClient = s[0] == 9;
            feed(r, byClient, H2Wire.frame(RST_STREAM, 0, s[0], H2Wire.int32(s[1])));
        }
        assertThat(finished).hasSize(5);
        Http2StreamRefusedRule refused = new Http2StreamRefusedRule();
        Http2StreamResetRule reset = new Http2StreamResetRule();
        Warning refusedPost = refused.check(r, finished.get(0));
        assertThat(refusedPost.severity).isEqualTo(Severity.INFO);
        assertThat(refusedPost.evidence).isEqualTo("the server refused stream 1 (POST /) on HTTP/2 connection 7 with"
            + " RST_STREAM REFUSED_STREAM: it was closed before any processing, so sending it again is safe, even as a POST.");
        assertThat(reset.check(r, finished.get(0))).isNull();
        Warning afterRequest = reset.check(r, finished.get(1));
        assertThat(afterRequest.severity).isEqualTo(Severity.WARN);
        assertThat(afterRequest.evidence).isEqualTo("the server reset stream 3 (POST /) on HTTP/2 connection 7 with"
            + " RST_STREAM INTERNAL_ERROR (2) after the whole request was sent, before any response: the server may have"
            + " processed it, so sending it again may apply it twice (only REFUSED_STREAM promises it did not).");
        assertThat(reset.check(r, finished.get(2)).evidence).contains("with RST_STREAM CANCEL (8) while the request was being"
            + " sent");
        assertThat(refused.check(r, finished.get(1))).isNull();
        assertThat(reset.check(r, finished.get(3))).as("a GET: idempotent").isNull();
        assertThat(reset.check(r, finished.get(4))).as("the client's own cancel").isNull();
        assertThat(refused.check(r, finished.get(4))).isNull();
    }

    /** A connection whose server grants each stream 16 KiB, and whose client posts 16 KiB, then 100 bytes more. */
    private ConnectionRecord posting(Role role, long serverReadsAfterMillis) throws InterruptedException {
        ConnectionRecord r = new ConnectionRecord(1, role, "channel", destinations.of(role, "api", 443), 0L);
        r.events().add(role == Role.CLIENT ? ConnectionEvent.CONNECT : ConnectionEvent.ACCEPT);
        TestRecords.http(r, new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease()));
        feed(r, true, H2Wire.PREFACE);
        feed(r, true, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        feed(r, false, H2Wire.frame(H2Wire.SETTINGS, 0, 0, H2Wire.setting(H2Wire.INITIAL_WINDOW_SIZE, 16_384)));
        feed(r, true, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 1, GET));
        feed(r, true, H2Wire.frame(H2Wire.DATA, 0, 1, new byte[16_384]));
        Thread.sleep(serverReadsAfterMillis);
        feed(r, false, H2Wire.frame(H2Wire.WINDOW_UPDATE, 0, 1, H2Wire.int32(16_384)));
        feed(r, true, H2Wire.frame(H2Wire.DATA, H2Wire.END_STREAM, 1, new byte[100]));
        feed(r, false, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, OK));
        return r;
    }

    @Test
    void aSenderWaitingOnTheReceiversWindowIsRaisedOnBothSides() throws InterruptedException {
        for (Role role : Role.values()) {
            List<Warning> raised = check(posting(role, 150));
            assertThat(rules(raised)).as("%s", role).containsExactly(Http2FlowBlockedRule.ID);
            assertThat(raised.get(0).evidence).startsWith("on HTTP/2 connection 1 the client used its flow-control window"
                + " up 1 time(s) with more to send and waited for the server's WINDOW_UPDATE: ")
                .contains("(1 time(s) a stream's window of 16384 bytes, the server's SETTINGS_INITIAL_WINDOW_SIZE; 0"
                    + " time(s) the connection's); it sent 16484 bytes of DATA.");
            assertThat(r(raised.get(0).evidence)).isBetween(150L, 1000L);
        }
    }

    /** The "… in all" wait of the evidence, in ms. */
    private static long r(String evidence) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("WINDOW_UPDATE: (\\d+) ms in all").matcher(evidence);
        assertThat(m.find()).as(evidence).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void paddingCountsAgainstTheWindow() throws InterruptedException {
        ConnectionRecord r = new ConnectionRecord(1, Role.CLIENT, "channel", destinations.of(Role.CLIENT, "api", 443), 0L);
        r.events().add(ConnectionEvent.CONNECT);
        TestRecords.http(r, new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease()));
        feed(r, true, H2Wire.PREFACE);
        feed(r, true, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        feed(r, false, H2Wire.frame(H2Wire.SETTINGS, 0, 0, H2Wire.setting(H2Wire.INITIAL_WINDOW_SIZE, 16_384)));
        feed(r, true, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 1, GET));
        // 16,000 bytes of data, a pad length byte and 383 bytes of padding: 16,384, the whole window.
        byte[] padded = new byte[16_384];
        padded[0] = (byte) 383;
        feed(r, true, H2Wire.frame(H2Wire.DATA, 0x8, 1, padded));
        Thread.sleep(120);
        feed(r, false, H2Wire.frame(H2Wire.WINDOW_UPDATE, 0, 1, H2Wire.int32(16_384)));
        feed(r, true, H2Wire.frame(H2Wire.DATA, H2Wire.END_STREAM, 1, new byte[10]));
        io.connscope.agent.http.Http2FlowControl.Sender client = r.http().http2().flow().client();
        assertThat(client.dataBytes()).isEqualTo(16_394);
        assertThat(client.waits()).isEqualTo(1);
        assertThat(client.longestWaitNanos()).isGreaterThanOrEqualTo(120_000_000L);
    }

    @Test
    void aWindowReopenedSoonerThanTheThresholdRaisesNothing() throws InterruptedException {
        assertThat(check(posting(Role.CLIENT, 0))).isEmpty();
    }

    /** A connection on which the client opens {@code streams} streams and resets {@code reset} of them at once. */
    private ConnectionRecord resetting(Role role, int streams, int reset) {
        ConnectionRecord r = new ConnectionRecord(1, role, "channel", destinations.of(role, "api", 443), 0L);
        r.events().add(role == Role.CLIENT ? ConnectionEvent.CONNECT : ConnectionEvent.ACCEPT);
        TestRecords.http(r, new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease()));
        feed(r, true, H2Wire.PREFACE);
        feed(r, true, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        feed(r, false, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        for (int i = 0; i < streams; i++) {
            int id = 2 * i + 1;
            feed(r, true, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, id, GET));
            if (i < reset) {
                feed(r, true, H2Wire.frame(H2Wire.RST_STREAM, 0, id, H2Wire.int32(8))); // CANCEL
            } else {
                feed(r, false, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, id, OK));
            }
        }
        return r;
    }

    @Test
    void aClientResettingItsStreamsInBulkIsTheRapidResetPatternOnTheServerSide() {
        List<Warning> raised = check(resetting(Role.SERVER, 120, 110));
        assertThat(rules(raised)).containsExactly(Http2RapidResetRule.ID);
        assertThat(raised.get(0).evidence).startsWith("on HTTP/2 connection 1 the client reset 110 of the 120 streams it"
            + " opened within 100 ms of opening them, before any response on them began")
            .contains("the rapid-reset pattern (CVE-2023-44487)");
        // The client's own view, fewer resets, or resets that are not most of the streams: nothing.
        assertThat(rules(check(resetting(Role.CLIENT, 120, 110)))).doesNotContain(Http2RapidResetRule.ID);
        assertThat(rules(check(resetting(Role.SERVER, 120, 99)))).doesNotContain(Http2RapidResetRule.ID);
        assertThat(rules(check(resetting(Role.SERVER, 300, 120)))).doesNotContain(Http2RapidResetRule.ID);
    }

    @Test
    void pingRoundTripsAreTimedByTheirAcknowledgement() throws InterruptedException {
        ConnectionRecord r = connection(Role.CLIENT, -1, 1, -1);
        byte[] opaque = H2Wire.concat(H2Wire.int32(1), H2Wire.int32(2));
        feed(r, true, H2Wire.frame(H2Wire.PING, 0, 0, opaque));
        Thread.sleep(30);
        feed(r, false, H2Wire.frame(H2Wire.PING, H2Wire.ACK, 0, opaque));
        io.connscope.agent.http.Http2FlowControl.Sender client = r.http().http2().flow().client();
        assertThat(client.roundTrips()).isEqualTo(1);
        assertThat(client.rttMinNanos()).isGreaterThanOrEqualTo(30_000_000L).isEqualTo(client.rttMaxNanos());
        assertThat(r.http().http2().client().pings()).isEqualTo(1);
        assertThat(r.http().http2().server().pings()).as("an acknowledgement is not a PING of the server's").isZero();
    }
}
