package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.ScenarioPort;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HTTP scenarios of the demo, each checked for exactly the warnings it is meant to raise (as
 * OTel log records with event name connscope.warning, as span events on the exchange, and in the
 * exit report) and for the resend attributes of its exchanges. The healthy scenarios raise none.
 */
class HttpRulesIT {

    private static final String[] SCENARIOS = {"keep-alive", "java-http-client", "https-keepalive", "stale-keepalive",
        "app-retry",
        "java-http-client-retry", "pipelining", "http10", "close-delimited", "request-after-close", "keepalive-timeout",
        "truncated-body", "malformed-response"};

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void eachScenarioRaisesExactlyItsWarnings(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).timeoutSeconds(120).demo(SCENARIOS).assertSuccess();
            Spans spans = ScenarioPort.attributed(run, otlp.spans());
            List<LogView> warnings = ScenarioPort.attributed(run, otlp.logs().stream()
                .filter(l -> l.eventName().equals("connscope.warning")).collect(Collectors.toList()));

            // Healthy keep-alive GETs and POSTs, with HttpURLConnection and with java.net.http: not a single warning.
            assertThat(warnings(warnings, "client", port(run, "client.connections=1 server.connections=1"))).isEmpty();
            assertThat(warnings(warnings, "server", port(run, "client.connections=1 server.connections=1"))).isEmpty();
            assertThat(warnings(warnings, "client", port(run, "exchanges=5 posts=2"))).isEmpty();
            assertThat(warnings(warnings, "server", port(run, "exchanges=5 posts=2"))).isEmpty();

            // HttpURLConnection's keep-alive cache at work: which object wrote each request, and the cache hits.
            List<SpanView> keepAliveExchanges = Spans.byStart(spans.exchanges("client", port(run, "client.connections=1 server.connections=1")));
            assertThat(keepAliveExchanges).extracting(e -> e.bool("connscope.connection.from_keepalive_cache"))
                .containsExactly(false, true, true, true, true, true, true, true, true, true);
            assertThat(keepAliveExchanges).extracting(e -> e.str("connscope.http.client.object")).doesNotHaveDuplicates()
                .allSatisfy(o -> assertThat(o).startsWith("HttpURLConnection@"));
            assertThat(keepAliveExchanges).noneMatch(e -> e.has("http.request.resend_count"));
            assertThat(spans.exchanges("client", port(run, "exchanges=5 posts=2")))
                .noneMatch(e -> e.has("connscope.http.client.api") || e.has("http.request.resend_count"));

            // The same over HTTPS, read from the TLS plaintext.
            int https = port(run, "https.exchanges=3");
            List<SpanView> httpsExchanges = Spans.byStart(spans.exchanges("client", https));
            assertThat(httpsExchanges).extracting(e -> e.bool("connscope.connection.from_keepalive_cache"))
                .containsExactly(false, true, true);
            assertThat(httpsExchanges).extracting(e -> e.num("connscope.connection.request_index")).containsExactly(1L, 2L, 3L);
            assertThat(httpsExchanges).allSatisfy(e -> assertThat(e.str("connscope.http.client.api")).isEqualTo("HttpURLConnection"));
            assertThat(spans.connection("client", https).str("tls.protocol.version")).isEqualTo("1.3");
            assertThat(warnings(warnings, "client", https)).isEmpty();
            assertThat(warnings(warnings, "server", https)).isEmpty();

            staleKeepAlive(run, spans, warnings, true);
            appRetry(run, spans, warnings);
            javaHttpClientRetry(run, spans, warnings);
            pipelining(run, spans, warnings);
            onePerRole(run, warnings, "http10", "http10-no-keepalive", true);
            onePerRole(run, warnings, "close-delimited", "close-delimited-response", true);
            onePerRole(run, warnings, "request-after-close", "request-after-connection-close", true);
            onePerRole(run, warnings, "keepalive-timeout", "reuse-after-keepalive-timeout", true);
            onePerRole(run, warnings, "truncated-body", "truncated-body", true);
            assertThat(single(warnings, "truncated-body", "client").str("connscope.evidence"))
                .contains("received 40 of 100 bytes");
            // The server's conflicting Content-Length values: the client's peer broke HTTP; the server's own side did not.
            onePerRole(run, warnings, "malformed-response", "protocol-violation", false);
            assertThat(single(warnings, "protocol-violation", "client").str("connscope.evidence"))
                .contains("the server sent malformed HTTP on connection ")
                .endsWith("response 2: conflicting Content-Length values; connscope read no further HTTP on it (its bytes"
                    + " are still counted).");

            // Each warning is also an event on its exchange span, and a line in the exit report.
            for (LogView w : warnings) {
                SpanView exchange = spans.where(s -> s.span.getSpanId().equals(w.spanId())).get(0);
                assertThat(exchange.span.getEventsList()).anySatisfy(ev -> {
                    assertThat(ev.getName()).isEqualTo("connscope.warning");
                    assertThat(ev.getAttributesList()).anySatisfy(kv -> assertThat(kv.getValue().getStringValue())
                        .isEqualTo(w.str("connscope.evidence")));
                });
                assertThat(w.str("connscope.advice")).isNotBlank();
            }
            assertThat(run.stderr).contains("WARN unsafe-resend at 127.0.0.1:" + stepPort(run, "post"));
            Map<String, Long> perRule = warnings.stream()
                .collect(Collectors.groupingBy(w -> w.str("connscope.rule"), Collectors.counting()));
            assertThat(perRule).containsEntry("unsafe-resend", 3L).containsEntry("http-pipelining", 4L)
                .containsEntry("request-after-connection-close", 2L).containsEntry("connection-reset", 2L);
            for (Map.Entry<String, Long> e : perRule.entrySet()) {
                assertThat(MetricsAssert.lastRuleCount(otlp, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
            // ... and counted at its destination, as the log records say.
            int post = stepPort(run, "post");
            long atPost = warnings.stream().filter(w -> Long.valueOf(post).equals(w.num("server.port"))
                && "client".equals(w.str("connscope.connection.role"))).count();
            assertThat(atPost).isPositive();
            assertThat(MetricsAssert.lastSum(otlp, "connscope.warnings", "client", post)).isEqualTo(atPost);
            // The reuse metrics: ten requests over one keep-alive connection.
            int keepAlive = port(run, "client.connections=1 server.connections=1");
            assertThat(MetricsAssert.histogramCount(otlp, "connscope.http.connection.requests", "client", keepAlive))
                .isEqualTo(1);
            assertThat(MetricsAssert.histogramCount(otlp, "http.client.connection.duration", null, keepAlive))
                .isEqualTo(1);
            assertThat(MetricsAssert.lastGauge(otlp, "connscope.http.client.reuse_ratio", "client", keepAlive))
                .isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    /** HttpURLConnection under -Dsun.net.http.retryPost=false: GET is still resent, POST never. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void retryPostFalseStopsTheSilentPostResend(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).jvmArg("-Dsun.net.http.retryPost=false")
                .demo("stale-keepalive").assertSuccess();
            List<LogView> warnings = ScenarioPort.attributed(run, otlp.logs().stream()
                .filter(l -> l.eventName().equals("connscope.warning")).collect(Collectors.toList()));
            staleKeepAlive(run, ScenarioPort.attributed(run, otlp.spans()), warnings, false);
        }
    }

    private static void staleKeepAlive(ChildJvm.Result run, Spans spans, List<LogView> warnings, boolean retryPost) {
        // POST on a connection the server closed while idle: the write fails and the JDK resends it on a new
        // connection from HttpURLConnection.writeRequests, which sun.net.http.retryPost does not govern.
        int post = stepPort(run, "post");
        assertThat(run.expectLine("step=post ").get("server.requests")).isEqualTo("2");
        SpanView resent = resentPost(spans, warnings, post, "/orders", "writeRequests");
        assertThat(resent.num("http.response.status_code")).isEqualTo(200);
        assertThat(unsafeResend(warnings, post).str("connscope.evidence")).contains("connection_reset")
            .contains("had been idle").contains("no Keep-Alive timeout");
        // The write into the dead connection met the reset the server's stack answered with.
        assertThat(rules(warnings, post)).containsExactlyInAnyOrder("unsafe-resend", "connection-reset");
        // GET is resent too, and is not a warning.
        int get = stepPort(run, "get");
        List<SpanView> getExchanges = Spans.byStart(spans.exchanges("client", get));
        assertThat(getExchanges).extracting(e -> e.num("http.request.resend_count")).containsExactly(null, null, 1L);
        assertThat(getExchanges.get(2).str("connscope.http.resent_by")).isEqualTo("HttpURLConnection");
        assertThat(warnings(warnings, "client", get)).isEmpty();
        // A POST with an Idempotency-Key may be resent safely.
        int keyed = stepPort(run, "post-idempotency-key");
        assertThat(Spans.byStart(spans.exchanges("client", keyed))).extracting(e -> e.num("http.request.resend_count"))
            .containsExactly(null, null, 1L);
        assertThat(rules(warnings, keyed)).containsExactly("connection-reset");
        // The server reads the POST and closes without answering: the JDK resends it after the failed read
        // (parseHTTP), unless retryPost=false, which hands the failure to the application instead.
        int dropped = stepPort(run, "post-dropped");
        if (retryPost) {
            assertThat(run.expectLine("step=post-dropped ").get("server.requests")).isEqualTo("3");
            resentPost(spans, warnings, dropped, "/drop-once/orders", "parseHTTP");
            assertThat(single(warnings(warnings, "client", dropped)).str("connscope.evidence")).contains("failed (eof)");
            assertThat(rules(warnings, dropped)).containsExactly("unsafe-resend");
        } else {
            assertThat(run.expectLine("step=post-dropped ").get("server.requests")).isEqualTo("2");
            assertThat(run.expectLine("step=post-dropped ").get("outcome")).startsWith("failed");
            assertThat(Spans.byStart(spans.exchanges("client", dropped))).extracting(SpanView::name).containsExactly("GET", "POST");
            assertThat(spans.exchanges("client", dropped)).noneMatch(e -> e.has("http.request.resend_count"));
            assertThat(warnings(warnings, "client", dropped)).isEmpty();
        }
        // Streaming mode: the failed POST reaches the application, nothing is resent.
        int streaming = stepPort(run, "post-streaming");
        assertThat(run.expectLine("step=post-streaming ").get("outcome")).startsWith("failed");
        assertThat(run.expectLine("step=post-streaming ").get("server.requests")).isEqualTo("2");
        assertThat(spans.exchanges("client", streaming)).noneMatch(e -> e.has("http.request.resend_count"));
        assertThat(warnings(warnings, "client", streaming)).isEmpty();
    }

    /** A primed GET, a POST that failed on the cached connection, and its resend by the JDK with one warning. */
    private static SpanView resentPost(Spans spans, List<LogView> warnings, int port, String path, String resendPath) {
        List<SpanView> exchanges = Spans.byStart(spans.exchanges("client", port));
        assertThat(exchanges).extracting(SpanView::name).containsExactly("GET", "POST", "POST");
        SpanView prime = exchanges.get(0);
        SpanView failed = exchanges.get(1);
        SpanView resent = exchanges.get(2);
        assertThat(failed.num("connscope.connection.id")).isEqualTo(prime.num("connscope.connection.id"));
        assertThat(prime.bool("connscope.connection.from_keepalive_cache")).isFalse();
        assertThat(failed.bool("connscope.connection.from_keepalive_cache")).isTrue();
        assertThat(failed.str("connscope.http.client.api")).isEqualTo("HttpURLConnection");
        assertThat(failed.str("error.type")).isEqualTo("no_response");
        assertThat(failed.has("http.request.resend_count")).isFalse();
        assertThat(resent.num("http.request.resend_count")).isEqualTo(1);
        assertThat(resent.str("connscope.http.resent_by")).isEqualTo("HttpURLConnection");
        assertThat(resent.str("connscope.http.client.resend_path")).isEqualTo(resendPath);
        assertThat(resent.num("connscope.http.resend_of.connection.id")).isEqualTo(failed.num("connscope.connection.id"));
        assertThat(resent.num("connscope.connection.id")).isNotEqualTo(failed.num("connscope.connection.id"));
        assertThat(resent.bool("connscope.connection.from_keepalive_cache")).isFalse();
        assertThat(resent.str("connscope.http.client.object")).isEqualTo(failed.str("connscope.http.client.object"));
        LogView w = unsafeResend(warnings, port);
        assertThat(w.severityText()).isEqualTo("WARN");
        assertThat(w.spanId()).isEqualTo(resent.span.getSpanId());
        assertThat(w.str("connscope.evidence")).startsWith("POST " + path + " was sent again by HttpURLConnection (its "
            + resendPath + " path").contains(" on connection " + resent.num("connscope.connection.id") + " after connection "
            + failed.num("connscope.connection.id") + " failed (");
        return resent;
    }

    private static void appRetry(ChildJvm.Result run, Spans spans, List<LogView> warnings) {
        int port = port(run, "client.connections=6");
        List<SpanView> exchanges = Spans.byStart(spans.exchanges("client", port));
        assertThat(exchanges).extracting(e -> e.str("url.path")).containsExactly("/drop-once/charge",
            "/drop-once/charge", "/drop-once/refund", "/drop-once/refund", "/drop-once/report", "/drop-once/report");
        assertThat(exchanges).extracting(e -> e.num("http.request.resend_count"))
            .containsExactly(null, 1L, null, 1L, null, 1L);
        assertThat(exchanges).filteredOn(e -> e.has("http.request.resend_count"))
            .allSatisfy(e -> assertThat(e.str("connscope.http.resent_by")).isEqualTo("application"));
        LogView w = single(warnings(warnings, "client", port));
        assertThat(w.str("connscope.rule")).isEqualTo("unsafe-resend");
        assertThat(w.spanId()).isEqualTo(exchanges.get(1).span.getSpanId());
        assertThat(w.str("connscope.evidence")).contains("POST /drop-once/charge was sent again by application on connection "
            + exchanges.get(1).num("connscope.connection.id") + " after connection "
            + exchanges.get(0).num("connscope.connection.id") + " failed (eof)");
        assertThat(warnings(warnings, "server", port)).isEmpty();
    }

    /** java.net.http resent the GET on a new connection, not the POST; also run over HTTPS by TlsEngineIT. */
    static void javaHttpClientRetry(ChildJvm.Result run, Spans spans, List<LogView> warnings) {
        Map<String, String> expect = run.expectLine("post=");
        int port = Integer.parseInt(expect.get("port"));
        assertThat(expect.get("post")).startsWith("failed");
        List<SpanView> exchanges = Spans.byStart(spans.exchanges("client", port));
        assertThat(exchanges).extracting(e -> e.str("url.path")).containsExactly("/drop-reused/first",
            "/drop-reused/items", "/drop-reused/items", "/drop-reused/orders");
        assertThat(exchanges).extracting(e -> e.num("http.request.resend_count")).containsExactly(null, null, 1L, null);
        assertThat(exchanges.get(2).str("connscope.http.resent_by")).isEqualTo("java.net.http");
        assertThat(exchanges.get(1).bool("connscope.connection.reused")).isTrue();
        assertThat(exchanges.get(3).bool("connscope.connection.reused")).isTrue();
        assertThat(exchanges.get(3).str("error.type")).isEqualTo("no_response");
        assertThat(warnings(warnings, "client", port)).isEmpty();
        assertThat(expect.get("server.requests")).isEqualTo("4");
    }

    private static void pipelining(ChildJvm.Result run, Spans spans, List<LogView> warnings) {
        int port = port(run, "pipelined=2");
        for (String role : new String[] {"client", "server"}) {
            List<SpanView> exchanges = Spans.byStart(spans.exchanges(role, port));
            assertThat(exchanges).extracting(e -> e.bool("connscope.http.pipelined")).containsExactly(false, true, false, true);
            List<LogView> ws = warnings(warnings, role, port);
            ws.sort(Comparator.comparing(LogView::severityText));
            assertThat(ws).extracting(w -> w.str("connscope.rule")).containsOnly("http-pipelining");
            assertThat(ws).extracting(LogView::severityText).containsExactly("INFO", "WARN");
            assertThat(ws.get(0).str("connscope.evidence")).startsWith("request 2 (GET /b)");
            assertThat(ws.get(1).str("connscope.evidence")).startsWith("request 4 (POST /d)");
        }
    }

    private static void onePerRole(ChildJvm.Result run, List<LogView> warnings, String scenario, String rule,
                                   boolean serverToo) {
        int port = Integer.parseInt(run.stdout.lines().dropWhile(l -> !l.startsWith("== " + scenario + ":"))
            .filter(l -> l.startsWith("expect:") && l.contains(" port=")).findFirst().orElseThrow()
            .replaceAll(".*port=(\\d+).*", "$1"));
        assertThat(warnings(warnings, "client", port)).as(scenario).extracting(w -> w.str("connscope.rule"))
            .containsExactly(rule);
        assertThat(warnings(warnings, "server", port)).as(scenario).extracting(w -> w.str("connscope.rule"))
            .containsExactlyElementsOf(serverToo ? List.of(rule) : List.of());
    }

    private static LogView unsafeResend(List<LogView> warnings, int port) {
        return single(warnings(warnings, "client", port).stream().filter(w -> "unsafe-resend".equals(w.str("connscope.rule")))
            .collect(Collectors.toList()));
    }

    private static List<String> rules(List<LogView> warnings, int port) {
        return warnings(warnings, "client", port).stream().map(w -> w.str("connscope.rule")).collect(Collectors.toList());
    }

    private static LogView single(List<LogView> warnings, String rule, String role) {
        return single(warnings.stream().filter(w -> rule.equals(w.str("connscope.rule"))
            && role.equals(w.str("connscope.connection.role"))).collect(Collectors.toList()));
    }

    private static List<LogView> warnings(List<LogView> all, String role, int port) {
        return all.stream().filter(w -> role.equals(w.str("connscope.connection.role"))
            && Objects.equals(w.num("server.port"), (long) port)).collect(Collectors.toList());
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    private static int port(ChildJvm.Result run, String marker) {
        return Integer.parseInt(run.expectLine(marker).get("port"));
    }

    private static int stepPort(ChildJvm.Result run, String step) {
        return Integer.parseInt(run.expectLine("step=" + step + " ").get("port"));
    }
}
