package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each HTTP rule on wire traffic fed through the real analysis: when it fires, with what evidence, and when it stays silent. */
class HttpRulesTest {

    private final Destinations destinations = new Destinations(10);
    private final WarningLog log = new WarningLog(100, 1000);
    private final Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), log);
    private final ResendDetector resends = new ResendDetector(16, TimeUnit.SECONDS.toNanos(10));
    private final List<Warning> raised = new ArrayList<>();
    private static final String CLIENT = "thread 1";

    /** One connection's analysis, wired like the tracker wires it: requests to resend detection, exchanges to the rules. */
    private final class Wire {
        final ConnectionRecord record;
        final HttpConnection http;

        Wire(long id, Role role) {
            record = new ConnectionRecord(id, role, "socket", destinations.of(role, role == Role.CLIENT ? "h" : null, 80), 0L);
            http = new HttpConnection(new HttpConnection.ExchangeSink() {
                @Override
                public void finished(HttpExchange e) {
                    raised.addAll(diagnosis.check(record, e));
                }

                @Override
                public void requestStarted(HttpExchange e) {
                    resends.requestStarted(e, record.id(), record.destination().key, CLIENT, System.nanoTime());
                }
            }, AnalysisMemory.unlimited().lease());
        }

        Wire send(String wire) {
            byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
            http.feed(record.role() == Role.CLIENT, b, 0, b.length);
            return this;
        }

        Wire receive(String wire) {
            byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
            http.feed(record.role() != Role.CLIENT, b, 0, b.length);
            return this;
        }

        /** The connection fails: what is unanswered is a failed attempt, then the analysis ends. */
        void fail(String how) {
            resends.attemptFailed(http, record.id(), record.destination().key, CLIENT, how, System.nanoTime());
            http.end(System.nanoTime());
        }
    }

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    private static final String POST = "POST /orders?id=7 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";

    private List<String> rules() {
        return raised.stream().map(w -> w.severity + " " + w.rule).collect(Collectors.toList());
    }

    @Test
    void healthyKeepAliveTrafficRaisesNothing() {
        Wire w = new Wire(1, Role.CLIENT);
        w.send("GET / HTTP/1.1\r\n\r\n").receive(OK).send(POST).receive(OK)
            .send("GET /c HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        w.http.end(System.nanoTime());
        assertThat(raised).isEmpty();
    }

    @Test
    void aPostResentAfterItsConnectionFailedIsUnsafe() {
        Wire first = new Wire(1, Role.CLIENT);
        first.send("GET / HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=5\r\n\r\nok");
        first.send(POST).fail("eof");
        new Wire(2, Role.CLIENT).send(POST).receive(OK).http.end(System.nanoTime());

        assertThat(rules()).containsExactly("WARN unsafe-resend");
        assertThat(raised.get(0).evidence).isEqualTo("POST /orders?… was sent again by application on connection 2"
            + " after connection 1 failed (eof) before a complete response; connection 1 had been idle "
            + raised.get(0).evidence.replaceAll(".*had been idle (\\d+ ms).*", "$1")
            + " before the request; the server advertised Keep-Alive: timeout=5. The server may have processed it twice;"
            + " resend_count=1.");
        assertThat(raised.get(0).advice).contains("Idempotency-Key");
    }

    @Test
    void resentGetsAndKeyedPostsCountButDoNotWarn() {
        new Wire(1, Role.CLIENT).send("GET /r HTTP/1.1\r\n\r\n").fail("connection_reset");
        new Wire(2, Role.CLIENT).send("GET /r HTTP/1.1\r\n\r\n").receive(OK).http.end(System.nanoTime());
        String keyed = "POST /p HTTP/1.1\r\nIdempotency-Key: 42\r\nContent-Length: 0\r\n\r\n";
        new Wire(3, Role.CLIENT).send(keyed).fail("eof");
        new Wire(4, Role.CLIENT).send(keyed).receive(OK).http.end(System.nanoTime());
        assertThat(raised).isEmpty();
    }

    @Test
    void aSecondFailureMakesTheThirdAttemptResendCountTwo() {
        List<HttpExchange> seen = new ArrayList<>();
        new Wire(1, Role.CLIENT).send("GET /x HTTP/1.1\r\n\r\n").fail("eof");
        Wire second = new Wire(2, Role.CLIENT).send("GET /x HTTP/1.1\r\n\r\n");
        seen.add(second.http.unanswered());
        second.fail("eof");
        Wire third = new Wire(3, Role.CLIENT).send("GET /x HTTP/1.1\r\n\r\n");
        seen.add(third.http.unanswered());
        assertThat(seen).extracting(HttpExchange::resendCount).containsExactly(1, 2);
        assertThat(seen.get(1).resendOf().connectionId).isEqualTo(2);
    }

    @Test
    void pipelinedRequestsAreInfoOrWarnByIdempotency() {
        new Wire(1, Role.CLIENT).send("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n" + POST).receive(OK + OK + OK).http.end(System.nanoTime());
        assertThat(rules()).containsExactly("INFO http-pipelining", "WARN http-pipelining");
        assertThat(raised.get(1).evidence).startsWith("request 3 (POST /orders?…) on connection 1 was written while"
            + " response 2 was still outstanding");
    }

    @Test
    void http10WithoutKeepAliveOnEitherSide() {
        new Wire(1, Role.CLIENT).send("GET / HTTP/1.0\r\n\r\n").receive("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").http.end(System.nanoTime());
        new Wire(2, Role.CLIENT).send("GET / HTTP/1.1\r\n\r\n").receive("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").http.end(System.nanoTime());
        new Wire(3, Role.CLIENT).send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .receive("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").http.end(System.nanoTime());
        assertThat(rules()).containsExactly("WARN http10-no-keepalive", "WARN http10-no-keepalive");
        assertThat(raised.get(1).evidence).contains("the server answered HTTP/1.0 without Connection: keep-alive");
    }

    @Test
    void closeDelimitedResponsesButNotHeadOr204() {
        new Wire(1, Role.CLIENT).send("HEAD / HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\n\r\n")
            .send("GET / HTTP/1.1\r\n\r\n").receive("HTTP/1.1 204 No Content\r\n\r\n")
            .send("GET /stream HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\n\r\nabcdef").http.end(System.nanoTime());
        assertThat(rules()).containsExactly("WARN close-delimited-response");
        assertThat(raised.get(0).evidence).contains("request 3 (GET /stream)").contains("its 6 body bytes");
    }

    @Test
    void aRequestAfterConnectionCloseFromEitherSide() {
        new Wire(1, Role.CLIENT).send("GET /a HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\nConnection: close\r\n"
            + "Content-Length: 0\r\n\r\n").send("GET /b HTTP/1.1\r\n\r\n").http.end(System.nanoTime());
        new Wire(2, Role.CLIENT).send("GET /c HTTP/1.1\r\nConnection: close\r\n\r\n").receive(OK)
            .send("GET /d HTTP/1.1\r\n\r\n").receive(OK).http.end(System.nanoTime());
        assertThat(rules()).containsExactly("WARN request-after-connection-close", "WARN request-after-connection-close");
        assertThat(raised).extracting(w -> w.evidence.replaceAll(" announced.*", "")).containsExactly(
            "request 2 (GET /b) was sent on connection 1 after response 1",
            "request 2 (GET /d) was sent on connection 2 after request 1");
        raised.clear();

        // A full-duplex client's own response, read before its request's write was seen, announced nothing before it.
        Wire duplex = new Wire(3, Role.CLIENT);
        duplex.receive("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").send("GET /e HTTP/1.1\r\n\r\n")
            .http.end(System.nanoTime());
        assertThat(rules()).isEmpty();
    }

    @Test
    void reuseAfterTheAdvertisedKeepAliveTimeout() throws InterruptedException {
        Wire w = new Wire(1, Role.CLIENT);
        w.send("GET / HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=0\r\nContent-Length: 0\r\n\r\n");
        Thread.sleep(2);
        w.send("GET / HTTP/1.1\r\n\r\n").receive(OK).http.end(System.nanoTime());
        Wire fresh = new Wire(2, Role.CLIENT);
        fresh.send("GET / HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=60\r\nContent-Length: 0\r\n\r\n")
            .send("GET / HTTP/1.1\r\n\r\n").receive(OK).http.end(System.nanoTime());
        assertThat(rules()).containsExactly("WARN reuse-after-keepalive-timeout");
        assertThat(raised.get(0).evidence).contains("Keep-Alive: timeout=0 (0 ms)");
    }

    @Test
    void truncatedBodiesSayHowMuchArrived() {
        new Wire(1, Role.CLIENT).send("GET / HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
            + "x".repeat(40)).http.end(System.nanoTime());
        new Wire(2, Role.CLIENT).send("GET / HTTP/1.1\r\n\r\n").receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
            + "\r\n\r\n5\r\nabcde\r\n").http.end(System.nanoTime());
        new Wire(3, Role.SERVER).receive("GET / HTTP/1.1\r\n\r\n").send("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")
            .http.end(System.nanoTime());
        assertThat(rules()).containsExactly("WARN truncated-body", "WARN truncated-body", "WARN truncated-body");
        assertThat(raised.get(0).evidence).endsWith("received 40 of 100 bytes.");
        assertThat(raised.get(1).evidence).endsWith("received 5 bytes of a chunked body without its last chunk.");
        assertThat(raised.get(2).evidence).endsWith("sent 3 of 9 bytes.");
    }

    @Test
    void theLogGroupsByRuleAndDestinationAndStaysBounded() {
        WarningLog small = new WarningLog(1, 2);
        Warning w = new Warning("r", Severity.WARN, "e", "a");
        long minute = 60_000_000_000L;
        assertThat(small.add(destinations.of(Role.CLIENT, "a", 1), w, 0)).isTrue();
        assertThat(small.add(destinations.of(Role.CLIENT, "a", 1), w, 1)).isTrue();
        // The third in the same minute is counted, not exported; a minute later export resumes.
        assertThat(small.add(destinations.of(Role.CLIENT, "a", 1), w, 2)).isFalse();
        assertThat(small.add(destinations.of(Role.CLIENT, "a", 1), w, minute + 2)).isTrue();
        assertThat(small.add(destinations.of(Role.CLIENT, "b", 1), w, 3)).isFalse();
        assertThat(small.groups()).singleElement().satisfies(g -> {
            assertThat(g.destination).isEqualTo("a:1");
            assertThat(g.count()).isEqualTo(4);
            assertThat(g.suppressed()).isEqualTo(1);
        });
        assertThat(small.ungrouped()).isEqualTo(1);
        assertThat(small.suppressed()).isEqualTo(1);
        assertThat(small.ungroupedByRule().get("r").get()).isEqualTo(1);
    }

    @Test
    void aFailingRuleIsSkippedAndTheOthersRun() {
        ExchangeRule broken = new ExchangeRule() {
            @Override
            public String id() {
                return "broken";
            }

            @Override
            public Warning check(ConnectionRecord connection, HttpExchange exchange) {
                throw new IllegalStateException("bug");
            }
        };
        Diagnosis partly = new Diagnosis(List.of(broken, new TruncatedBodyRule()), List.of(), log);
        ConnectionRecord r = new ConnectionRecord(1, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "h", 80), 0L);
        List<HttpExchange> done = new ArrayList<>();
        HttpConnection http = new HttpConnection(done::add, AnalysisMemory.unlimited().lease());
        byte[] b = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        http.feed(true, b, 0, b.length);
        byte[] resp = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1);
        http.feed(false, resp, 0, resp.length);
        http.end(System.nanoTime());
        assertThat(partly.check(r, done.get(0))).extracting(x -> x.rule).containsExactly("truncated-body");
    }
}
