package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP/2 connections, reached by ALPN over TLS (java.net.http and Jetty, both on SSLEngine), by an
 * h2c upgrade (java.net.http), and by prior knowledge (Jetty's client), seen from both ends: every
 * stream an exchange with its method, path and status, and the connection's streams, peak
 * concurrency, SETTINGS, RST_STREAM and GOAWAY.
 */
class Http2IT {

    private static final String[] ROLES = {"client", "server"};

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void multiplexedConnectionsAreFollowedStreamByStream(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            // A cold JVM's first handshakes can pass slow-setup's 300 ms, which is not what this test is about.
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).agentArgs("rule.slow-setup.tls.ms=5000")
                .demo("http2", "http2-h2c-upgrade", "http2-prior-knowledge", "http2-stream-limit").assertSuccess();
            Spans spans = otlp.spans();
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.has("connscope.rule")).collect(Collectors.toList());

            int alpn = port(run, "http2");
            Map<String, Long> clientResets = new TreeMap<>();
            assertThat(run.expectLine("scenario.http2=http2 ").get("server.requests")).isEqualTo("7");
            for (String role : ROLES) {
                SpanView c = spans.connection(role, alpn);
                assertThat(c.str("tls.next_protocol")).as(role).isEqualTo("h2");
                assertThat(c.str("network.protocol.version")).isEqualTo("2");
                assertThat(c.str("connscope.http2.detected_by")).isEqualTo("alpn");
                assertThat(c.num("connscope.http2.streams")).isEqualTo(7);
                assertThat(c.num("connscope.http2.streams.concurrent_max")).isEqualTo(4);
                assertThat(c.num("connscope.http.requests")).isEqualTo(7);
                assertThat(c.num("connscope.http.responses")).isEqualTo(6);
                assertThat(c.num("connscope.http2.server.max_concurrent_streams")).isEqualTo(50);
                assertThat(c.num("connscope.http2.server.rst_streams")).isEqualTo(1);
                clientResets.put(role, c.num("connscope.http2.client.rst_streams"));
                assertThat(c.str("connscope.http2.goaway.sent_by")).isEqualTo("server");
                assertThat(c.str("connscope.http2.goaway.error")).isEqualTo("NO_ERROR");
                assertThat(c.num("connscope.http2.goaway.last_stream_id")).isEqualTo(13);
                assertThat(c.has("connscope.http2.hpack_failure")).isFalse();
                assertThat(c.has("connscope.http2.framing_failure")).isFalse();

                List<SpanView> exchanges = byStreamId(spans.exchanges(role, alpn));
                assertThat(exchanges).extracting(e -> e.num("connscope.http2.stream_id"))
                    .containsExactly(1L, 3L, 5L, 7L, 9L, 11L, 13L);
                List<String> paths = exchanges.stream().map(e -> e.str("url.path")).collect(Collectors.toList());
                // The four held requests are sent at once, in no set order.
                assertThat(paths.subList(1, 5)).containsExactlyInAnyOrder("/hold/0", "/hold/1", "/hold/2", "/hold/3");
                assertThat(List.of(paths.get(0), paths.get(5), paths.get(6))).containsExactly("/first", "/reset", "/orders");
                assertThat(exchanges).extracting(e -> e.str("http.request.method"))
                    .containsExactly("GET", "GET", "GET", "GET", "GET", "GET", "POST");
                assertThat(exchanges).extracting(e -> e.num("http.response.status_code")).containsOnly(200L);
                assertThat(exchanges).extracting(e -> e.str("network.protocol.version")).containsOnly("2");
                // The client named the server https://localhost: its destination, and each stream's :authority.
                assertThat(exchanges).extracting(e -> e.str("server.address")).containsOnly("localhost");
                if (role.equals("server")) {
                    assertThat(exchanges).extracting(e -> e.str("user_agent.original")).allMatch(a -> a.startsWith("Java-http-client/"));
                }
                assertThat(exchanges).extracting(e -> e.num("connscope.connection.request_index"))
                    .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L);
                SpanView reset = exchanges.get(5);
                assertThat(reset.str("connscope.http2.reset_by")).isEqualTo("server");
                assertThat(reset.str("error.type")).isEqualTo("stream_reset");
                assertThat(exchanges.stream().filter(e -> e.has("error.type"))).containsExactly(reset);
                // The body of every complete response: 18 bytes of DATA.
                assertThat(exchanges.stream().filter(e -> e != reset).map(e -> e.num("http.response.body.size")))
                    .containsOnly(18L);
            }

            int upgrade = port(run, "http2-h2c-upgrade");
            for (String role : ROLES) {
                SpanView c = spans.connection(role, upgrade);
                assertThat(c.str("connscope.http2.detected_by")).as(role).isEqualTo("h2c_upgrade");
                assertThat(c.str("network.protocol.version")).isEqualTo("2");
                assertThat(c.num("connscope.http2.streams")).as(role + " " + c + " " + spans.exchanges(role, upgrade))
                    .isEqualTo(3);
                assertThat(c.num("connscope.http.requests")).isEqualTo(3);
                assertThat(c.num("connscope.http.responses")).isEqualTo(3);
                List<SpanView> exchanges = byStreamId(spans.exchanges(role, upgrade));
                // The upgrade request is stream 1: its 101 is not an exchange of its own.
                assertThat(exchanges).extracting(e -> e.num("connscope.http2.stream_id")).containsExactly(1L, 3L, 5L);
                assertThat(exchanges).extracting(e -> e.str("url.path")).containsExactly("/first", "/next", "/next");
                assertThat(exchanges).extracting(e -> e.num("http.response.status_code")).containsOnly(200L);
                assertThat(exchanges).extracting(e -> e.str("network.protocol.version")).containsOnly("2");
                assertThat(exchanges).extracting(e -> e.num("http.response.body.size")).containsOnly(18L);
            }
            // The client sent no RST_STREAM of its own, or (java.net.http, 2 runs in about 25, on JDK 17) one after
            // the server reset /reset's stream, whose first reset stays the server's: then the two ends, each
            // reading the bytes on its own side of the socket, both count it.
            assertThat(clientResets.get("client")).as("client RST_STREAMs, the client's view and the server's")
                .isEqualTo(clientResets.get("server")).isBetween(0L, 1L);

            int prior = port(run, "http2-prior-knowledge");
            for (String role : ROLES) {
                SpanView c = spans.connection(role, prior);
                assertThat(c.str("connscope.http2.detected_by")).as(role).isEqualTo("prior_knowledge");
                assertThat(c.num("connscope.http2.streams")).isEqualTo(2);
                assertThat(c.num("connscope.http2.server.max_concurrent_streams")).isEqualTo(50);
                List<SpanView> exchanges = byStreamId(spans.exchanges(role, prior));
                assertThat(exchanges).extracting(e -> e.num("connscope.http2.stream_id")).containsExactly(1L, 3L);
                assertThat(exchanges).extracting(e -> e.str("url.path")).containsExactly("/prior/0", "/prior/1");
                assertThat(exchanges).extracting(e -> e.str("http.request.method")).containsOnly("GET");
                assertThat(exchanges).extracting(e -> e.num("http.response.status_code")).containsOnly(200L);
            }

            // java.net.http sends six requests at once to a server that allows two streams: two go out, and
            // (on JDK 17 and 25) the other four fail in the client with "too many concurrent streams".
            int limited = port(run, "http2-stream-limit");
            long sent = Long.parseLong(run.expectLine("scenario.http2=http2-stream-limit ").get("server.requests"));
            assertThat(sent).as("the upgrade request and the two that fit").isEqualTo(3);
            assertThat(run.stdout).contains("  2 of 6 answered")
                .contains("  failed: java.io.IOException: too many concurrent streams");
            for (String role : ROLES) {
                SpanView c = spans.connection(role, limited);
                assertThat(c.num("connscope.http2.server.max_concurrent_streams")).as(role).isEqualTo(2);
                // At the limit; one side can count the upgrade stream as still open as the next two arrive
                // (1 run in 10 on a loaded machine), which reaches the limit all the same.
                assertThat(c.num("connscope.http2.streams.concurrent_max")).isBetween(2L, 3L);
                assertThat(c.num("connscope.http2.streams")).isEqualTo(sent);
                assertThat(spans.exchanges(role, limited)).hasSize((int) sent);
                List<LogView> raised = warnings.stream().filter(w -> Objects.equals(w.num("server.port"), (long) limited)
                    && role.equals(w.str("connscope.connection.role"))).collect(Collectors.toList());
                assertThat(raised).extracting(w -> w.str("connscope.rule")).containsExactly("http2-stream-limit");
                assertThat(raised.get(0).str("connscope.evidence")).contains("had " + c.num("connscope.http2.streams.concurrent_max")
                    + " streams open at once, the server's limit (SETTINGS_MAX_CONCURRENT_STREAMS=2), over " + sent
                    + " streams in all");
            }

            assertThat(warnings.stream().filter(w -> List.of((long) alpn, (long) upgrade, (long) prior)
                .contains(w.num("server.port"))).map(w -> w.str("connscope.rule"))).isEmpty();
            assertThat(run.stderr).doesNotContain("analysis failed");
        }
    }

    /**
     * Netty's HTTP/2 server refuses one POST before processing it and resets another after processing it;
     * its own counts say which ran. The refused one is said to be safe to send again (INFO), the other
     * not (WARN), at both ends; the GET it answered raises nothing.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void resetStreamsAreSaidSafeOrUnsafeToRetry(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).agentArgs("rule.slow-setup.tls.ms=5000")
                .demo("http2-resets").assertSuccess();
            Map<String, String> truth = run.expectLine("scenario.http2=http2-resets ");
            // java.net.http fails a refused stream on JDK 17; on JDK 25 it sends it once more, refused again.
            int refused = Integer.parseInt(truth.get("server.refused"));
            assertThat(refused).isEqualTo(jvm == Jvm.JDK25 ? 2 : 1);
            assertThat(truth.get("server.processed")).as("/first and /crash/orders ran; /busy/orders did not").isEqualTo("2");
            assertThat(truth.get("busy")).isEqualTo("failed");
            assertThat(truth.get("crash")).isEqualTo("failed");
            int port = Integer.parseInt(truth.get("port"));
            Spans spans = otlp.spans();
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.has("connscope.rule")
                && Objects.equals(l.num("server.port"), (long) port)).collect(Collectors.toList());
            for (String role : ROLES) {
                List<SpanView> exchanges = byStreamId(spans.exchanges(role, port));
                assertThat(exchanges).as(role).hasSize(2 + refused);
                assertThat(exchanges.get(0).str("url.path")).isEqualTo("/first");
                assertThat(exchanges.subList(1, 1 + refused)).allSatisfy(e -> {
                    assertThat(e.str("url.path")).isEqualTo("/busy/orders");
                    assertThat(e.str("connscope.http2.reset_error")).isEqualTo("REFUSED_STREAM");
                });
                SpanView crash = exchanges.get(1 + refused);
                assertThat(crash.str("url.path")).isEqualTo("/crash/orders");
                assertThat(crash.str("connscope.http2.reset_error")).isEqualTo("INTERNAL_ERROR");
                List<LogView> raised = warnings.stream().filter(w -> role.equals(w.str("connscope.connection.role")))
                    .collect(Collectors.toList());
                assertThat(raised).filteredOn(w -> w.str("connscope.rule").equals("http2-stream-refused")).hasSize(refused)
                    .allSatisfy(w -> assertThat(w.log.getSeverityText()).isEqualTo("INFO"));
                assertThat(raised).filteredOn(w -> !w.str("connscope.rule").equals("http2-stream-refused"))
                    .extracting(w -> w.str("connscope.rule") + " " + w.log.getSeverityText())
                    .containsExactly("http2-stream-reset WARN");
                assertThat(raised).filteredOn(w -> w.str("connscope.rule").equals("http2-stream-refused")).first()
                    .satisfies(w -> assertThat(w.str("connscope.evidence")).startsWith("the server refused stream 3"
                        + " (POST /busy/orders)").contains("so sending it again is safe, even as a POST."));
                assertThat(raised).filteredOn(w -> w.str("connscope.rule").equals("http2-stream-reset")).singleElement()
                    .satisfies(w -> assertThat(w.str("connscope.evidence")).startsWith("the server reset stream "
                        + crash.num("connscope.http2.stream_id") + " (POST /crash/orders)").contains("with RST_STREAM INTERNAL_ERROR (2) after the whole request was"
                        + " sent, before any response: the server may have processed it"));
            }
        }
    }

    private static int port(ChildJvm.Result run, String scenario) {
        return Integer.parseInt(run.expectLine("scenario.http2=" + scenario + " ").get("port"));
    }

    private static List<SpanView> byStreamId(List<SpanView> spans) {
        spans.sort(Comparator.comparingLong((SpanView s) -> Objects.requireNonNullElse(s.num("connscope.http2.stream_id"), 0L)));
        return spans;
    }
}
