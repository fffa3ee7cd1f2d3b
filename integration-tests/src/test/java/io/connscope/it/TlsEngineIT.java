package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.TlsMismatchApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS where both ends encrypt with an SSLEngine (java.net.http, the JDK's HttpsServer), so the
 * channels carry only ciphertext: the plaintext is read at the engine, paired with its channel by
 * the ClientHello, and shows the same exchange, reuse and resend telemetry as cleartext.
 */
class TlsEngineIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void javaHttpClientOverHttpsShowsTheSameTelemetryAsCleartext(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            // A cold JVM's first handshakes can pass slow-setup's 300 ms, which is not what this test is about.
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).agentArgs("rule.slow-setup.tls.ms=5000")
                .demo("java-http-client-https", "java-http-client-https-retry").assertSuccess();
            Spans spans = otlp.spans();
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.has("connscope.rule")).collect(Collectors.toList());

            int pooled = Integer.parseInt(run.expectLine("exchanges=5 posts=2").get("port"));
            SpanView client = spans.connection("client", pooled);
            SpanView server = spans.connection("server", pooled);
            for (SpanView c : List.of(client, server)) {
                assertThat(c.str("network.protocol.name")).as(c.toString()).isEqualTo("http");
                assertThat(c.str("tls.protocol.version")).isEqualTo("1.3");
                assertThat(c.str("tls.cipher")).startsWith("TLS_");
                assertThat(c.bool("tls.resumed")).isFalse();
                assertThat(c.num("connscope.tls.handshakes")).isEqualTo(1);
                assertThat(c.num("connscope.http.requests")).isEqualTo(5);
                assertThat(c.num("connscope.http.responses")).isEqualTo(5);
                SpanView handshake = spans.child(c, "TLS handshake");
                assertThat(handshake.bool("tls.established")).isTrue();
                assertThat(handshake.durationNanos()).isPositive().isLessThan(10_000_000_000L);
            }
            // The TCP bytes are the ciphertext, counted at the channels: what the server sent, the client received.
            // (On JDK 25 the client closes first, and its last alert may be left unread by the stopping server.)
            assertThat(client.num("connscope.connection.bytes_received")).isEqualTo(server.num("connscope.connection.bytes_sent"));
            assertThat(client.num("connscope.connection.bytes_sent")).isGreaterThanOrEqualTo(
                server.num("connscope.connection.bytes_received"));
            assertThat(spans.child(client, "TLS handshake").span.getStartTimeUnixNano())
                .isGreaterThanOrEqualTo(spans.child(client, "socket connect").span.getEndTimeUnixNano());
            for (String role : new String[] {"client", "server"}) {
                List<SpanView> exchanges = Spans.byStart(spans.exchanges(role, pooled));
                assertThat(exchanges).extracting(e -> e.str("http.request.method"))
                    .containsExactly("GET", "GET", "GET", "POST", "POST");
                assertThat(exchanges).extracting(e -> e.str("url.path")).containsOnly("/java-http-client-https");
                assertThat(exchanges).extracting(e -> e.num("http.response.status_code")).containsOnly(200L);
                assertThat(exchanges).extracting(e -> e.num("connscope.connection.request_index"))
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(exchanges).extracting(e -> e.bool("connscope.connection.reused"))
                    .containsExactly(false, true, true, true, true);
                assertThat(exchanges).extracting(e -> e.str("network.protocol.version")).containsOnly("1.1");
                assertThat(exchanges).extracting(e -> e.num("http.response.body.size")).containsOnly(30L);
            }
            assertThat(MetricsAssert.lastGauge(otlp, "connscope.http.client.reuse_ratio", "client", pooled))
                .isEqualTo(0.8, org.assertj.core.data.Offset.offset(1e-9));

            // The pooled connection the server dropped: java.net.http resends the GET on a new one, never the POST.
            HttpRulesIT.javaHttpClientRetry(run, spans, warnings);
            int port = Integer.parseInt(run.expectLine("post=").get("port"));
            assertThat(spans.connections("client", port)).hasSize(2)
                .allSatisfy(c -> assertThat(c.str("tls.protocol.version")).isEqualTo("1.3"));
            // The server (an SSLSocket layered over each accepted socket) read all four requests.
            assertThat(spans.exchanges("server", port)).hasSize(4);
            assertThat(warnings.stream().filter(w -> Objects.equals(w.num("server.port"), (long) port)
                || Objects.equals(w.num("server.port"), (long) pooled))).isEmpty();
            assertThat(run.stderr).doesNotContain("through an SSLEngine were not paired with their connection");
        }
    }

    /** A handshake that fails at both ends is recorded as for an SSLSocket: a failed TLS handshake span. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aFailedHandshakeThroughAnEngineIsRecordedAtBothEnds(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .fixture(TlsMismatchApp.class, List.of(ChildJvm.DEMO_JAR.toString())).assertSuccess();
            Map<String, String> expect = run.expectLine("port=");
            assertThat(expect.get("failed")).isEqualTo("javax.net.ssl.SSLHandshakeException");
            int port = Integer.parseInt(expect.get("port"));
            Spans spans = otlp.spans();
            // java.net.http tries the handshake twice on JDK 17 (on two connections), once on 25.
            List<SpanView> clients = spans.connections("client", port);
            List<SpanView> servers = spans.connections("server", port);
            assertThat(clients).hasSize(jvm == Jvm.JDK25 ? 1 : 2).hasSameSizeAs(servers);
            for (SpanView c : clients) {
                // The server closed (on JDK 17 without an alert). The client's engine fails only if java.net.http
                // wraps or unwraps again before the end of stream (it does, or not, depending on its own timing);
                // otherwise the end of the connection cuts the handshake short.
                failedHandshake(spans, c, "handshake_incomplete", "javax.net.ssl.SSLHandshakeException");
            }
            // What the server sent before closing (nothing on JDK 17, the alert on 25), the client received.
            assertThat(clients.stream().mapToLong(c -> c.num("connscope.connection.bytes_received")).sum())
                .isEqualTo(servers.stream().mapToLong(c -> c.num("connscope.connection.bytes_sent")).sum());
            for (SpanView c : servers) {
                failedHandshake(spans, c, "javax.net.ssl.SSLHandshakeException", "javax.net.ssl.SSLHandshakeException");
            }
            assertThat(spans.exchanges("client", port)).isEmpty();
            assertThat(spans.exchanges("server", port)).isEmpty();
        }
    }

    private static void failedHandshake(Spans spans, SpanView connection, String error, String orError) {
        assertThat(connection.bool("tls.established")).as("%s", connection).isFalse();
        assertThat(connection.num("connscope.tls.handshakes")).isEqualTo(1);
        assertThat(connection.has("tls.protocol.version")).isFalse();
        SpanView handshake = spans.child(connection, "TLS handshake");
        assertThat(handshake.str("error.type")).isIn(error, orError);
        assertThat(handshake.span.getStatus().getCode().getNumber()).isEqualTo(2); // STATUS_CODE_ERROR
        assertThat(handshake.durationNanos()).isPositive();
    }
}
