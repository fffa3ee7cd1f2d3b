package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpConnectionTest {

    private final List<HttpExchange> finished = new ArrayList<>();
    private final HttpConnection http = new HttpConnection(finished::add, AnalysisMemory.unlimited().lease());

    private void send(String wire) {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        http.feed(true, b, 0, b.length);
    }

    private void receive(String wire) {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        http.feed(false, b, 0, b.length);
    }

    @Test
    void exchangesArePairedInOrderWithReuseAndPipelining() throws Exception {
        send("GET /a HTTP/1.1\r\n\r\n");
        receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=5\r\n\r\nok");
        Thread.sleep(5);
        send("HEAD /b HTTP/1.1\r\n\r\nPOST /c HTTP/1.1\r\nContent-Length: 1\r\nIdempotency-Key: k\r\n\r\nx");
        receive("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");

        assertThat(finished).extracting(e -> e.index + " " + e.method + " " + e.target + " " + e.status())
            .containsExactly("1 GET /a 200", "2 HEAD /b 200", "3 POST /c 503");
        assertThat(finished.get(0).idleBeforeNanos).isEqualTo(-1);
        assertThat(finished.get(1).idleBeforeNanos).isGreaterThanOrEqualTo(5_000_000L);
        assertThat(finished.get(1).pipelined).isFalse();
        assertThat(finished.get(2).pipelined).isTrue();
        assertThat(finished.get(2).idempotencyKey).isTrue();
        assertThat(finished).allSatisfy(e -> {
            assertThat(e.responseComplete()).isTrue();
            assertThat(e.responseStartNanos()).isGreaterThanOrEqualTo(e.requestStartNanos);
            assertThat(e.responseEndNanos()).isGreaterThanOrEqualTo(e.responseStartNanos());
        });
        assertThat(http.requests()).isEqualTo(3);
        assertThat(http.responses()).isEqualTo(3);
        assertThat(http.keepAliveTimeoutSeconds()).isEqualTo(5);
    }

    @Test
    void requestsLeftUnansweredAtTheEndAreReportedAsSuch() {
        send("POST /pay HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        receive("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nonly");
        send("GET /next HTTP/1.1\r\n\r\n");
        http.end(System.nanoTime());
        assertThat(finished).extracting(e -> e.method + " " + e.failure())
            .containsExactly("POST truncated_response", "GET no_response");
        assertThat(http.truncated()).isEqualTo(1);
    }

    /**
     * A body's wait after its head is measured only when the head ended a read and the body came in a
     * later one: at every split point of responses framed each way, and for none whose body shared the head's read.
     */
    @Test
    void aBodyThatCameInALaterReadThanItsHeadHasItsWaitMeasured() throws Exception {
        String[] responses = {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"};
        for (String response : responses) {
            int headEnd = response.indexOf("\r\n\r\n", response.indexOf("200 OK")) + 4;
            for (int split = 1; split < response.length(); split++) {
                List<HttpExchange> done = new ArrayList<>();
                HttpConnection c = new HttpConnection(done::add, AnalysisMemory.unlimited().lease());
                byte[] request = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
                c.feed(true, request, 0, request.length);
                byte[] b = response.getBytes(StandardCharsets.ISO_8859_1);
                long before = System.nanoTime();
                c.feed(false, b, 0, split);
                Thread.sleep(split == headEnd ? 2 : 0);
                c.feed(false, b, split, b.length - split);
                assertThat(done).hasSize(1);
                HttpExchange e = done.get(0);
                assertThat(e.responseHeadNanos()).as("%s split at %d", response, split).isPositive();
                if (split == headEnd) {
                    assertThat(e.responseBodyWaitNanos()).as("split at the head's end").isGreaterThanOrEqualTo(2_000_000L)
                        .isLessThanOrEqualTo(System.nanoTime() - before);
                } else {
                    assertThat(e.responseBodyWaitNanos()).as("%s split at %d", response, split).isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void aResponseWithoutABodyHasNoBodyWait() {
        send("HEAD / HTTP/1.1\r\n\r\n");
        receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        send("GET / HTTP/1.1\r\n\r\n");
        receive("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(finished).extracting(HttpExchange::responseBodyWaitNanos).containsExactly(-1L, -1L);
    }

    @Test
    void messagesAreTimedByTheInputOutputThatCarriedThem() {
        byte[] request = "GET /t HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = "ok".getBytes(StandardCharsets.ISO_8859_1);
        http.feed(true, request, 0, 10, 1_000L);
        http.feed(true, request, 10, request.length - 10, 2_000L);
        http.feed(false, head, 0, head.length, 5_000L);
        http.feed(false, body, 0, body.length, 47_000L);

        HttpExchange e = finished.get(0);
        assertThat(e.requestStartNanos()).isEqualTo(1_000L);
        assertThat(e.requestEndNanos()).isEqualTo(2_000L);
        assertThat(e.responseStartNanos()).isEqualTo(5_000L);
        assertThat(e.responseHeadNanos()).isEqualTo(5_000L);
        assertThat(e.responseBodyWaitNanos()).isEqualTo(42_000L);
        assertThat(e.responseEndNanos()).isEqualTo(47_000L);
    }

    @Test
    void whatMostConnectionsNeverUseIsNotHeldByThem() {
        send("GET /a HTTP/1.1\r\n\r\n");
        receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(http.violations).as("made at the first violation").isNull();
        assertThat(http.violations().malformed(false)).isNull();

        send("GET /b HTTP/1.1\r\n\r\n");
        receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok");
        assertThat(http.violations().malformed(false)).isEqualTo("response 2: conflicting Content-Length values");
        assertThat(Http1Violations.NONE.malformed(false)).isNull();
    }
}
