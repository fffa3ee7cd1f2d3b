package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import io.connscope.testsupport.Jvm;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Responses whose body the application never read, on three real clients (HttpURLConnection, Apache
 * HttpClient 5 with a pool of 2, OkHttp), each next to a healthy counterpart that reads its bodies. The
 * truth: each server's own count of connections and requests, Apache's own ConnectionRequestTimeout
 * exception and its time, and OkHttp's own leak log.
 */
class UnreadBodiesIT {

    private static final String RULE = "response-not-consumed";

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void bodiesLeftUnreadAreToldWithTheirConsequenceAndReadOnesStaySilent(Jvm jvm) throws Exception {
        List<String> classpath = StackFixtures.classpath();
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .main("io.connscope.stacks.unread.UnreadBodiesApp", classpath).assertSuccess();
            run.expectLine("result=done");
            Spans spans = otlp.spans();
            List<LogView> logs = otlp.logs();

            // HttpURLConnection: the server's own count, one connection per request, none reused.
            Map<String, String> url = run.expectLine("client=urlconnection ");
            assertThat(url.get("unread.connections")).isEqualTo("3");
            assertThat(url.get("unread.requests")).isEqualTo("3");
            List<SpanView> urlConnections = Spans.byStart(spans.connections("client", port(url, "unread")));
            assertThat(urlConnections).hasSize(3);
            // Each sat unused until the JVM exited; each later connection to the server opened while the earlier did.
            for (int i = 0; i < 3; i++) {
                String evidence = evidence(logs, urlConnections.get(i));
                assertThat(evidence).contains("(GET /big) on connection " + id(urlConnections.get(i)) + " (status 200) was"
                    + " not read to its end: ").contains("of 262144 body bytes read. The connection then sat unused for ")
                    .contains("until the JVM exited or connscope detached, with ").contains(" byte(s) waiting unread.")
                    .contains("opened at io.connscope.stacks.unread.UnreadBodiesApp.urlConnection:");
                int opened = 2 - i;
                assertThat(evidence).contains(opened == 0 ? "No request used it again, and no new connection to 127.0.0.1:"
                    + port(url, "unread") + " opened meanwhile" : "It was never used again, while " + opened
                    + " new connection(s) to 127.0.0.1:" + port(url, "unread") + " opened");
            }
            assertThat(spans.exchanges("client", port(url, "unread"))).hasSize(3)
                .allSatisfy(e -> assertThat(e.str("error.type")).isEqualTo("response_not_consumed"));

            // Apache HttpClient 5: two responses never closed hold the pool of 2; the third request times out waiting.
            Map<String, String> apache = run.expectLine("client=apache ");
            assertThat(apache.get("unread.connections")).isEqualTo("2");
            assertThat(apache.get("third.error")).isEqualTo("org.apache.hc.core5.http.ConnectionRequestTimeoutException");
            assertThat(Double.parseDouble(apache.get("third.ms"))).isGreaterThanOrEqualTo(1000.0);
            List<SpanView> apacheConnections = Spans.byStart(spans.connections("client", port(apache, "unread")));
            assertThat(apacheConnections).hasSize(2).allSatisfy(c -> assertThat(evidence(logs, c))
                .contains("The connection then sat unused for ")
                // The application's frame, below Apache's own: where it sent the request.
                .contains("opened at io.connscope.stacks.unread.UnreadBodiesApp.apache:"));
            // The pool opened its second connection while the first was held; then neither was used again, nor a third
            // opened: the third request waited for a lease instead.
            assertThat(evidence(logs, apacheConnections.get(0))).contains("It was never used again, while 1 new"
                + " connection(s) to 127.0.0.1:" + port(apache, "unread") + " opened");
            assertThat(evidence(logs, apacheConnections.get(1))).contains("No request used it again, and no new connection"
                + " to 127.0.0.1:" + port(apache, "unread") + " opened meanwhile");
            // The pool's wait, as connscope timed Apache's lease: within the application's own time for the request. The
            // second connection sat unused only while the third request waited; the first also while the second was leased
            // (a few milliseconds, but a descheduled thread on a busy machine may take 20).
            double thirdMs = Double.parseDouble(apache.get("third.ms"));
            for (int i = 0; i < 2; i++) {
                String e = evidence(logs, apacheConnections.get(i));
                Matcher waited = Pattern.compile("; meanwhile (\\d+) lease\\(s\\) of a connection to 127\\.0\\.0\\.1:"
                    + port(apache, "unread") + " from an Apache HttpClient pool took 20 ms or more, (\\d+) ms in all, 1 of them"
                    + " ending in the pool's timeout \\(ConnectionRequestTimeoutException\\)").matcher(e);
                assertThat(waited.find()).as(e).isTrue();
                if (i == 1) {
                    assertThat(waited.group(1)).isEqualTo("1");
                    assertThat(Double.parseDouble(waited.group(2))).isBetween(1000.0, Math.ceil(thirdMs) + 1);
                } else {
                    assertThat(Integer.parseInt(waited.group(1))).isBetween(1, 2);
                    assertThat(Double.parseDouble(waited.group(2))).isGreaterThanOrEqualTo(1000.0);
                }
            }

            // OkHttp: its own leak log names the server; the leaked connection was closed by its pool, input unread.
            Map<String, String> ok = run.expectLine("client=okhttp ");
            assertThat(ok.get("leak.logs")).isEqualTo("1");
            assertThat(ok.get("leak.address")).isEqualTo("http://127.0.0.1:" + port(ok, "unread") + "/");
            assertThat(ok.get("unread.connections")).isEqualTo("2");
            List<SpanView> okConnections = Spans.byStart(spans.connections("client", port(ok, "unread")));
            assertThat(okConnections).hasSize(2);
            assertThat(evidence(logs, okConnections.get(0))).contains("Then the application closed the connection ")
                .contains(" byte(s) still unread, so the stack reset it. It was never used again, while 1 new connection(s)"
                    + " to 127.0.0.1:" + port(ok, "unread") + " opened");
            assertThat(rules(logs, okConnections.get(0))).containsExactlyInAnyOrder(RULE, "abortive-close");
            assertThat(rules(logs, okConnections.get(1))).isEmpty();

            // The healthy counterparts: one connection each for three requests, and nothing said of it.
            for (Map<String, String> c : List.of(url, apache, ok)) {
                assertThat(c.get("healthy.connections")).isEqualTo("1");
                assertThat(c.get("healthy.requests")).isEqualTo("3");
                List<SpanView> healthy = spans.connections("client", port(c, "healthy"));
                assertThat(healthy).hasSize(1);
                assertThat(rules(logs, healthy.get(0))).as(c.toString()).doesNotContain(RULE, "truncated-body", "abortive-close");
            }
            assertThat(logs.stream().filter(l -> RULE.equals(l.str("connscope.rule")))).hasSize(6);
            assertThat(logs).noneMatch(l -> "truncated-body".equals(l.str("connscope.rule")));
        }
    }

    /**
     * A failing pool-lease hook disables itself (at its first failure: only the lease that waited reaches
     * it); Apache's pool and its timeout behave as without it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aFailingPoolLeaseHookLeavesThePoolAlone(Jvm jvm) throws Exception {
        List<String> classpath = StackFixtures.classpath();
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).agentArgs("hook.max.failures=1")
                .failingHooks("pool-lease").main("io.connscope.stacks.unread.UnreadBodiesApp", classpath).assertSuccess();
            Map<String, String> apache = run.expectLine("client=apache ");
            assertThat(apache.get("third.error")).isEqualTo("org.apache.hc.core5.http.ConnectionRequestTimeoutException");
            assertThat(apache.get("unread.connections")).isEqualTo("2");
            assertThat(apache.get("healthy.connections")).isEqualTo("1");
            assertThat(run.stderr.lines().filter(l -> l.startsWith("[connscope] hook 'pool-lease' disabled after repeated"
                + " internal errors"))).hasSize(1);
            List<LogView> logs = otlp.logs();
            List<SpanView> held = spans(otlp, apache);
            assertThat(held).hasSize(2).allSatisfy(c -> assertThat(evidence(logs, c)).doesNotContain("from an Apache HttpClient pool"));
        }
    }

    /**
     * The demo's scenario: HttpURLConnection bodies never read nor closed, next to a client that reads
     * them. Truth: each server's count of the client ports it was asked on.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void theDemosScenarioRaisesItAndItsHealthyCounterpartStaysSilent(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).demo("unread-body").assertSuccess();
            Map<String, String> truth = run.expectLine("unread.body=demo ");
            assertThat(truth.get("unread.connections")).isEqualTo("3");
            assertThat(truth.get("read.connections")).isEqualTo("1");
            List<LogView> logs = otlp.logs();
            List<SpanView> unread = Spans.byStart(otlp.spans().connections("client", port(truth, "unread")));
            assertThat(unread).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(evidence(logs, unread.get(i))).contains("of 65536 body bytes read. The connection then sat unused for")
                    .contains("until the JVM exited or connscope detached, with ").contains(" byte(s) waiting unread.")
                    .contains("opened at io.connscope.demo.UnreadBodyScenario.run:");
            }
            assertThat(evidence(logs, unread.get(0))).contains("while 2 new connection(s) to 127.0.0.1:"
                + port(truth, "unread") + " opened");
            List<SpanView> read = otlp.spans().connections("client", port(truth, "read"));
            assertThat(read).hasSize(1);
            assertThat(rules(logs, read.get(0))).isEmpty();
            assertThat(logs).filteredOn(l -> l.has("connscope.rule")).extracting(l -> l.str("connscope.rule"))
                .containsOnly(RULE).hasSize(3);
        }
    }

    private static List<SpanView> spans(OtlpReceiver otlp, Map<String, String> line) throws Exception {
        return otlp.spans().connections("client", port(line, "unread"));
    }

    private static int port(Map<String, String> line, String server) {
        return Integer.parseInt(line.get(server + ".port"));
    }

    private static Long id(SpanView s) {
        return s.num("connscope.connection.id");
    }

    private static List<String> rules(List<LogView> logs, SpanView connection) {
        return logs.stream().filter(l -> l.has("connscope.rule") && id(connection).equals(l.num("connscope.connection.id")))
            .map(l -> l.str("connscope.rule")).collect(Collectors.toList());
    }

    private static String evidence(List<LogView> logs, SpanView connection) {
        List<LogView> found = logs.stream().filter(l -> RULE.equals(l.str("connscope.rule"))
            && id(connection).equals(l.num("connscope.connection.id"))).collect(Collectors.toList());
        assertThat(found).as("one " + RULE + " warning for connection " + id(connection)).hasSize(1);
        return found.get(0).str("connscope.evidence");
    }
}
