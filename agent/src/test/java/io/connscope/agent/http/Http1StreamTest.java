package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1StreamTest {

    private static EventLog requests(String wire) {
        EventLog log = new EventLog();
        Http1Stream s = new Http1Stream(true, log, AnalysisMemory.unlimited().lease());
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        s.feed(b, 0, b.length);
        s.end(false);
        return log;
    }

    private static EventLog responses(String wire, String... methods) {
        EventLog log = new EventLog(methods);
        Http1Stream s = new Http1Stream(false, log, AnalysisMemory.unlimited().lease());
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        s.feed(b, 0, b.length);
        s.end(false);
        return log;
    }

    @Test
    void pipelinedRequestsWithAndWithoutBodies() {
        assertThat(requests("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
            + "\r\nPUT /c HTTP/1.0\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n").events)
            .containsExactly(
                "request GET /a?x=1 1.1 cl=-1 chunked=false", "end body=0 declared=-1",
                "request POST /b 1.1 cl=5 chunked=false", "end body=5 declared=5",
                "request PUT /c 1.0 cl=-1 chunked=true", "end body=3 declared=-1");
    }

    @Test
    void responseFramingFollowsTheRequestMethodAndStatus() {
        assertThat(responses("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
            + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nKeep-Alive: timeout=5, max=100\r\n\r\nbody"
            + "HTTP/1.0 200 OK\r\n\r\nuntil close", "HEAD", "POST", "GET", "GET", "GET").events)
            .containsExactly(
                "response 200 1.1 cl=10 chunked=false", "end body=0 declared=0",
                "response 100 1.1 cl=-1 chunked=false",
                "response 204 1.1 cl=-1 chunked=false", "end body=0 declared=0",
                "response 304 1.1 cl=99 chunked=false", "end body=0 declared=0",
                "response 200 1.1 cl=4 chunked=false keep-alive=5", "end body=4 declared=4",
                "response 200 1.0 cl=-1 chunked=false", "end body=11 declared=-1");
    }

    @Test
    void truncatedBodyIsReportedWithReceivedAndDeclaredLengths() {
        assertThat(responses("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly 23 bytes arrived..", "GET").events)
            .containsExactly("response 200 1.1 cl=100 chunked=false close", "end body=23 declared=100 TRUNCATED");
    }

    @Test
    void upgradesAndTunnelsTurnTheStreamOpaque() {
        assertThat(responses("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello",
            "GET").events).containsExactly("response 101 1.1 cl=-1 chunked=false", "end body=0 declared=0",
            "opaque: switched protocols to websocket");
        assertThat(responses("HTTP/1.1 200 Connection established\r\n\r\n\u0016\u0003\u0001", "CONNECT").events)
            .containsExactly("response 200 1.1 cl=-1 chunked=false", "end body=0 declared=0", "opaque: CONNECT tunnel");
    }

    @Test
    void nonHttpIsRecognisedAtTheFirstByte() {
        assertThat(requests("\u0016\u0003\u0001\u0002\u0000").events).containsExactly("opaque: not HTTP");
        assertThat(responses("SSH-2.0-OpenSSH\r\n").events).containsExactly("opaque: not HTTP");
        assertThat(requests("get / HTTP/1.1\r\n\r\n").events).hasSize(2); // lower-case methods are tokens too
    }

    @Test
    void violationsStopParsingWithAReason() {
        assertThat(requests("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").events)
            .containsExactly("malformed: conflicting Content-Length values");
        assertThat(requests("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").events)
            .containsExactly("malformed: invalid Content-Length");
        assertThat(requests("GET / HTTP/2.0\r\n\r\n").events).containsExactly("malformed: unsupported HTTP version in request line");
        assertThat(responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", "GET").events)
            .containsExactly("response 200 1.1 cl=-1 chunked=true", "malformed: malformed chunk size");
        assertThat(responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n", "GET").events)
            .containsExactly("response 200 1.1 cl=-1 chunked=true", "malformed: chunk size too large");
    }

    @Test
    void headsAreBoundedTo16KiB() {
        EventLog log = new EventLog();
        Http1Stream s = new Http1Stream(true, log, AnalysisMemory.unlimited().lease());
        byte[] start = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
        s.feed(start, 0, start.length);
        byte[] filler = "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 1000; i++) {
            s.feed(filler, 0, filler.length);
        }
        assertThat(log.events).containsExactly("malformed: message head larger than 16384 bytes");
        assertThat(s.headCapacity()).isZero();
    }

    @Test
    void obsoleteFoldingAndBareLineFeedsAreToleratedAndNoted() {
        EventLog log = new EventLog();
        HttpHead[] seen = new HttpHead[1];
        Http1Stream s = new Http1Stream(true, new Http1Events() {
            @Override
            public void messageStart() {
                log.messageStart();
            }

            @Override
            public void head(HttpHead head) {
                seen[0] = head;
                log.head(head);
            }

            @Override
            public void messageEnd(long bodyBytes, long declaredBodyBytes, boolean complete) {
                log.messageEnd(bodyBytes, declaredBodyBytes, complete);
            }

            @Override
            public void opaque(String reason) {
                log.opaque(reason);
            }
        }, AnalysisMemory.unlimited().lease());
        byte[] b = "GET / HTTP/1.1\nX-A: 1\n  folded\nIdempotency-Key: k\nProxy-Connection: keep-alive\nConnection: Keep-Alive, Upgrade\nUpgrade: h2c\ntraceparent: 00-abc-def-01\n\n".getBytes(StandardCharsets.ISO_8859_1);
        s.feed(b, 0, b.length);
        assertThat(log.events).containsExactly("request GET / 1.1 cl=-1 chunked=false", "end body=0 declared=-1");
        assertThat(seen[0].irregularity).isEqualTo("obsolete line folding");
        assertThat(seen[0].idempotencyKey).isTrue();
        assertThat(seen[0].proxyConnection).isTrue();
        assertThat(seen[0].connectionKeepAlive).isTrue();
        assertThat(seen[0].connectionClose).isFalse();
        assertThat(seen[0].upgrade).isEqualTo("h2c");
        assertThat(seen[0].traceparent).isEqualTo("00-abc-def-01");
    }

    @Test
    void directBuffersAreReadWithoutMovingTheirPosition() {
        EventLog log = new EventLog();
        Http1Stream s = new Http1Stream(true, log, AnalysisMemory.unlimited().lease());
        byte[] wire = "GET /x HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.position(10);
        direct.put(wire);
        s.feed(direct, 10, wire.length);
        assertThat(direct.position()).isEqualTo(10 + wire.length);
        assertThat(log.events).containsExactly("request GET /x 1.1 cl=-1 chunked=false", "end body=0 declared=-1");
    }

    /** Chunked bodies: several chunks, extensions, trailers, the violations, a cut, and any split. */
    @Test
    void chunkedBodiesAreFramedByTheirLines() {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        String body = "4;name=value\r\nabcd\r\n1A\r\n" + "x".repeat(26) + "\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n";
        String next = "HTTP/1.1 204 No Content\r\n\r\n";
        String wire = head + body + next;
        assertThat(responses(wire, "GET", "GET").events).containsExactly("response 200 1.1 cl=-1 chunked=true",
            "end body=30 declared=-1", "response 204 1.1 cl=-1 chunked=false", "end body=0 declared=0");
        EventLog oneByOne = new EventLog("GET", "GET");
        Http1Stream s = new Http1Stream(false, oneByOne, AnalysisMemory.unlimited().lease());
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int k = 0; k < b.length; k++) {
            s.feed(b, k, 1);
        }
        assertThat(oneByOne.events).isEqualTo(responses(wire, "GET", "GET").events);
        assertThat(responses(head + "3\r\nabcX\r\n", "GET").events)
            .containsExactly("response 200 1.1 cl=-1 chunked=true", "malformed: chunk data not followed by CRLF");
        assertThat(responses(head + "3;" + "e".repeat(1100) + "\r\n", "GET").events)
            .containsExactly("response 200 1.1 cl=-1 chunked=true", "malformed: chunk-size line too long");
        assertThat(responses(head + "0\r\n" + "T: " + "t".repeat(17_000) + "\r\n\r\n", "GET").events)
            .containsExactly("response 200 1.1 cl=-1 chunked=true", "malformed: trailer section larger than 16384 bytes");
        assertThat(responses(head + "8\r\nabc", "GET").events)
            .containsExactly("response 200 1.1 cl=-1 chunked=true", "end body=3 declared=-1 TRUNCATED");
        assertThat(responses(head + "3\r\nabc\r\n", "GET").events).as("cut between chunks")
            .containsExactly("response 200 1.1 cl=-1 chunked=true", "end body=3 declared=-1 TRUNCATED");
    }
}
