package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AnalysisMemoryTest {

    @Test
    void leasesShareOneLimitAndGiveEverythingBackAtClose() {
        AnalysisMemory memory = new AnalysisMemory(1000);
        AnalysisMemory.Lease a = memory.lease();
        AnalysisMemory.Lease b = memory.lease();
        assertThat(a.reserve(600)).isTrue();
        assertThat(b.reserve(500)).isFalse();
        assertThat(b.refused()).isTrue();
        assertThat(b.reserve(1)).as("a refused lease takes nothing more").isFalse();
        assertThat(memory.refusedConnections()).isEqualTo(1);
        a.release(100);
        assertThat(memory.used()).isEqualTo(500);
        a.close();
        assertThat(memory.used()).isZero();
        assertThat(a.reserve(1)).as("a closed lease takes nothing more").isFalse();
        a.release(50); // after close, nothing is given back twice
        assertThat(memory.used()).isZero();
        assertThat(memory.peak()).isEqualTo(600);
    }

    @Test
    void concurrentReservesReleasesAndClosesBalance() throws InterruptedException {
        AnalysisMemory memory = new AnalysisMemory(1 << 20);
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                await(start);
                for (int i = 0; i < 20_000; i++) {
                    AnalysisMemory.Lease lease = memory.lease();
                    Thread closer = i % 100 == 0 ? new Thread(lease::close) : null;
                    if (closer != null) {
                        closer.start(); // a close racing the connection's own reserves
                    }
                    long expected = 0;
                    if (lease.reserve(256)) {
                        lease.release(128);
                        expected += 128;
                    }
                    expected += lease.reserve(64) ? 64 : 0;
                    join(closer);
                    if (closer == null) {
                        assertThat(lease.held()).as("what the lease holds").isEqualTo(expected);
                    }
                    assertThat(memory.used()).isNotNegative();
                    lease.close();
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(memory.used()).isZero();
        assertThat(memory.refusedConnections()).isZero();
    }

    @Test
    void aHeadRefusedRoomStopsItsConnectionsAnalysisAndHoldsNothing() {
        AnalysisMemory memory = new AnalysisMemory(1024);
        List<HttpExchange> done = new ArrayList<>();
        HttpConnection first = new HttpConnection(done::add, memory.lease());
        byte[] part = ("GET /" + "a".repeat(900) + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII);
        first.feed(true, part, 0, part.length);
        assertThat(memory.used()).isEqualTo(1024); // a head in flight: 256, then 512, then 1024 bytes
        HttpConnection second = new HttpConnection(done::add, memory.lease());
        byte[] get = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        second.feed(true, get, 0, get.length);
        assertThat(second.done()).as("a spent budget admits no new head: followed as TCP only").isTrue();
        assertThat(memory.refusedConnections()).isEqualTo(1);
        byte[] rest = "\r\n".getBytes(StandardCharsets.US_ASCII);
        first.feed(true, rest, 0, rest.length);
        assertThat(memory.used()).as("a complete head gives its buffer back").isZero();
        first.end(System.nanoTime());
        second.end(System.nanoTime());
        assertThat(memory.used()).isZero();
        assertThat(first.requests()).isEqualTo(1);
    }

    /**
     * A response whose body was still coming when the budget refused its connection: nothing is known
     * of how it ended, so it is neither a truncated response nor an unanswered request.
     */
    @Test
    void whatWasInFlightWhenTheBudgetRefusedIsNeitherTruncatedNorUnanswered() {
        AnalysisMemory memory = new AnalysisMemory(300);
        List<HttpExchange> done = new ArrayList<>();
        HttpConnection http = new HttpConnection(done::add, memory.lease());
        byte[] request = "GET /a HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf".getBytes(StandardCharsets.US_ASCII);
        http.feed(true, request, 0, request.length);
        http.feed(false, response, 0, response.length);
        // A pipelined request whose head needs more room than is left
        byte[] next = ("GET /" + "b".repeat(400) + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
        http.feed(true, next, 0, next.length);
        assertThat(http.done()).isTrue();
        assertThat(http.unanswered()).isNull();
        http.end(System.nanoTime());
        assertThat(done).as("no exchange reported as truncated or unanswered").isEmpty();
        assertThat(http.truncated()).isZero();
        assertThat(memory.used()).isZero();
    }

    /** Settling runs rules and sinks; whatever they throw, the connection's bytes go back to the budget. */
    @Test
    void theBudgetGetsItsBytesBackWhenSettlingThrows() {
        AnalysisMemory memory = new AnalysisMemory(1 << 20);
        HttpConnection http = new HttpConnection(e -> {
            throw new IllegalStateException("a rule's bug");
        }, memory.lease());
        byte[] request = "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nHost".getBytes(StandardCharsets.US_ASCII);
        http.feed(true, request, 0, request.length);
        assertThat(memory.used()).isPositive();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.end(System.nanoTime()))
            .hasMessage("a rule's bug");
        assertThat(memory.used()).isZero();
    }

    @Test
    void anHttp2HeaderBlockRefusedRoomStopsTheConnectionsAnalysis() {
        AnalysisMemory memory = new AnalysisMemory(8 * 1024);
        HttpConnection http = new HttpConnection(e -> { }, memory.lease());
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        http.feed(true, preface, 0, preface.length);
        // HEADERS on stream 1 without END_HEADERS: 16 KiB of block that must be held until it completes
        byte[] frame = new byte[9 + 16 * 1024];
        frame[1] = 0x40; // length 16384
        frame[3] = 1; // HEADERS
        frame[8] = 1; // stream 1
        http.feed(true, frame, 0, frame.length);
        assertThat(http.http2().hpackFailure()).isEqualTo("requests: " + AnalysisMemory.SPENT);
        assertThat(http.done()).isTrue();
        assertThat(memory.used()).isZero();
        assertThat(memory.refusedConnections()).isEqualTo(1);
        http.end(System.nanoTime());
        assertThat(memory.used()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
