package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.ScenarioPort;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the whole demo tour in a child JVM with the agent and checks every scenario's telemetry
 * against what the scenario measured itself. One child per JVM of the matrix.
 */
class DemoTourIT {

    private static final long MAX_SETUP_NANOS = TimeUnit.SECONDS.toNanos(10);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void everyScenarioIsReportedExactly(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).demo().assertSuccess();
            Spans spans = ScenarioPort.attributed(run, otlp.spans());

            textReport(run.stderr);
            // The service's name as the settings give it (the tests' OTEL_SERVICE_NAME; ConfigIT checks the name taken
            // from the jar when none is given); each run is an instance of its own; connscope is the telemetry's
            // distribution; its scope has its version and schema.
            SpanView any = spans.where(s -> s.name().startsWith("connection ")).get(0);
            Map<String, String> resource = new java.util.TreeMap<>();
            any.resource.getAttributesList().forEach(kv -> resource.put(kv.getKey(), kv.getValue().getStringValue()));
            assertThat(resource).containsEntry("service.name", "connscope-it")
                .containsEntry("telemetry.distro.name", "connscope").containsKey("telemetry.distro.version");
            assertThat(resource.get("service.instance.id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(any.scopeVersion).isEqualTo(resource.get("telemetry.distro.version")).isNotEmpty();
            assertThat(any.schemaUrl).isEqualTo("https://opentelemetry.io/schemas/1.37.0");
            // The bridge is defined in the boot loader, not appended to the boot class path, so the JVM keeps
            // class-data sharing for the application and says nothing about it.
            assertThat(run.stderr).doesNotContain("Sharing is only supported");
            // Each check sees its own scenario's spans: the kernel may give two scenarios' servers the same port.
            keepAlive(run, scenario(run, spans, "client.connections=1 server.connections=1"));
            churn(run, scenario(run, spans, "client.connections=10"));
            noDelay(run, scenario(run, spans, "nodelay=true"));
            halfClose(run, scenario(run, spans, "client.close=graceful"));
            abortiveClose(run, scenario(run, spans, "client.close=abortive"));
            tls(run, scenario(run, spans, "tls=true"));
            channel(run, scenario(run, spans, "client.connections=2 client.sent="));
            javaHttpClient(run, scenario(run, spans, "exchanges=5"));

            // The agent's own OTLP connections never show up as tracked connections (all spans: the scenario
            // filter above would drop them).
            assertThat(otlp.spans().where(s -> Long.valueOf(otlp.port()).equals(s.num("server.port"))
                || Long.valueOf(otlp.port()).equals(s.num("network.peer.port")))).isEmpty();
            // Every client connection has a socket connect child with a plausible duration.
            for (SpanView c : spans.where(s -> s.name().startsWith("connection ") && "client".equals(s.str("connscope.connection.role")))) {
                SpanView connect = spans.child(c, "socket connect");
                assertThat(connect.name()).isEqualTo("socket connect");
                assertThat(connect.durationNanos()).isPositive().isLessThan(MAX_SETUP_NANOS);
                assertThat(connect.span.getStartTimeUnixNano()).isEqualTo(c.span.getStartTimeUnixNano());
            }
        }
    }

    /**
     * The demo's whole text report reads in the order a reader needs: the summary, the warnings most
     * harmful first (by impact, in the order the summary lists them), then the tables and notes; no
     * line is wider than 120 columns; a fix given at several destinations is printed once.
     */
    private static void textReport(String stderr) {
        int start = stderr.indexOf("==== connscope connection report ====\n");
        int end = stderr.indexOf("==== end of connscope report ====\n");
        assertThat(start).isNotNegative();
        assertThat(end).isGreaterThan(start);
        String report = stderr.substring(start, end);
        assertThat(report.lines().filter(l -> l.length() > 120)).as("lines wider than 120 columns").isEmpty();
        List<String> order = List.of("\n  connections   ", "\n  warnings      ", "\nWarnings, most harmful first\n",
            "\nOutbound connections, by destination\n", "\nInbound connections, by local listening port\n");
        assertThat(order.stream().map(report::indexOf).collect(Collectors.toList()))
            .doesNotContain(-1).isSorted();
        String warnings = report.substring(report.indexOf("\nWarnings, most harmful first\n"),
            report.indexOf("\nOutbound connections, by destination\n"));
        List<Integer> impacts = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^  \\[([a-z ]+)\\]$").matcher(warnings);
        List<String> labels = List.of("lost or duplicated data", "failed or refused work", "added latency",
            "wasted connections", "protocol hygiene");
        while (m.find()) {
            impacts.add(labels.indexOf(m.group(1)));
        }
        assertThat(impacts).as("impacts, most harmful first").startsWith(0).doesNotContain(-1).isSorted()
            .doesNotHaveDuplicates();
        assertThat(warnings).contains("       fix:   as for ");
    }

    /** How many scenarios printed this port on an "expect:" line. */
    private static long scenariosPrinting(ChildJvm.Result run, int port) {
        return java.util.Arrays.stream(run.stdout.split("expect: scenario="))
            .filter(block -> java.util.regex.Pattern.compile("(?m)^expect:.*\\bport=" + port + "\\b").matcher(block).find())
            .count();
    }

    private static Spans scenario(ChildJvm.Result run, Spans spans, String marker) {
        return ScenarioPort.of(run, marker).during(spans);
    }

    private static void keepAlive(ChildJvm.Result run, Spans spans) {
        Map<String, String> expect = run.expectLine("client.connections=1 server.connections=1");
        int port = port(expect);
        Spans mine = scenario(run, spans, "client.connections=1 server.connections=1"); // a later scenario's server may get its port
        String[] traceparent = expect.get("traceparent").split("-");
        for (String role : new String[] {"client", "server"}) {
            SpanView c = single(mine.connections(role, port));
            // Span names are few, the destination is in the attributes.
            assertThat(c.name()).isEqualTo("connection " + role);
            List<SpanView> exchanges = mine.exchanges(role, port);
            assertThat(exchanges).hasSize(10);
            exchanges.sort((a, b) -> Long.compare(a.num("connscope.connection.request_index"), b.num("connscope.connection.request_index")));
            for (int i = 0; i < 10; i++) {
                SpanView e = exchanges.get(i);
                String method = i >= 10 - Integer.parseInt(expect.get("posts")) ? "POST" : "GET";
                assertThat(e.name()).isEqualTo(method);
                assertThat(e.span.getKind().name()).isEqualTo(role.equals("client") ? "SPAN_KIND_CLIENT" : "SPAN_KIND_SERVER");
                assertThat(e.str("http.request.method")).isEqualTo(method);
                assertThat(e.str("url.path")).isEqualTo("/keep-alive");
                // What each side's conventions ask: the client's url.full, the server's scheme and client address.
                assertThat(e.str("network.peer.address")).isEqualTo("127.0.0.1");
                if (role.equals("client")) {
                    assertThat(e.str("url.full")).isEqualTo("http://" + c.str("server.address") + ":" + port + "/keep-alive");
                    assertThat(e.has("url.scheme")).isFalse();
                    assertThat(e.num("network.peer.port")).isEqualTo(port);
                } else {
                    assertThat(e.has("url.full")).isFalse();
                    assertThat(e.str("url.scheme")).isEqualTo("http");
                    assertThat(e.str("client.address")).isEqualTo("127.0.0.1");
                    assertThat(e.num("client.port")).isEqualTo(e.num("network.peer.port")).isPositive();
                    // The server's name and the client's agent, as the server itself read them from the request.
                    assertThat(e.str("server.address") + ":" + port).isEqualTo(expect.get("server.host"));
                    assertThat(e.str("user_agent.original").replace(' ', '_')).isEqualTo(expect.get("server.user_agent"))
                        .startsWith("Java/");
                }
                assertThat(e.num("http.response.status_code")).isEqualTo(200);
                assertThat(e.str("network.protocol.version")).isEqualTo("1.1");
                assertThat(e.num("connscope.connection.id")).isEqualTo(c.num("connscope.connection.id"));
                assertThat(e.num("connscope.connection.request_index")).isEqualTo(i + 1);
                assertThat(e.bool("connscope.connection.reused")).isEqualTo(i > 0);
                assertThat(e.has("connscope.connection.idle_before_ms")).isEqualTo(i > 0);
                assertThat(e.bool("connscope.http.pipelined")).isFalse();
                assertThat(e.dbl("connscope.http.time_to_first_byte_ms")).as("%s", e).isNotNull().isNotNegative();
                assertThat(e.has("error.type")).isFalse();
                assertThat(c.span.getLinksList()).anySatisfy(l -> assertThat(l.getSpanId()).isEqualTo(e.span.getSpanId()));
            }
            // The first request carried a traceparent: its exchange joins that trace under that span.
            assertThat(exchanges.get(0).traceIdHex()).isEqualTo(traceparent[1]);
            assertThat(exchanges.get(0).parentSpanIdHex()).isEqualTo(traceparent[2]);
            assertThat(exchanges.get(1).traceIdHex()).isNotEqualTo(traceparent[1]);
            assertThat(exchanges.get(1).parentSpanIdHex()).isEmpty();
            assertThat(c.str("network.protocol.name")).isEqualTo("http");
            assertThat(c.str("network.protocol.version")).isEqualTo("1.1");
            assertThat(c.num("connscope.http.requests")).isEqualTo(10);
            assertThat(c.num("connscope.http.responses")).isEqualTo(10);
            assertThat(c.has("connscope.http.analysis_stopped")).isFalse();
        }
    }

    private static void churn(ChildJvm.Result run, Spans spans) {
        int port = port(run.expectLine("client.connections=10"));
        Spans mine = scenario(run, spans, "client.connections=10"); // a later scenario's server may get its port
        assertThat(mine.connections("client", port)).hasSize(10);
        List<SpanView> server = mine.connections("server", port);
        assertThat(server).hasSize(10);
        // The server closes each connection after its answer: it closed first, without seeing EOF.
        assertThat(server).allSatisfy(s -> {
            assertThat(s.str("connscope.close.classification")).isEqualTo("local-close");
            assertThat(s.num("connscope.http.requests")).isEqualTo(1);
            assertThat(s.num("connscope.http.responses")).isEqualTo(1);
        });
        // The client got exactly ten responses; a connection carries at most one request more than
        // it got answers for: the request written into a connection the server had already closed.
        List<SpanView> client = mine.connections("client", port);
        assertThat(client.stream().mapToLong(c -> c.num("connscope.http.responses")).sum()).isEqualTo(10);
        assertThat(client).allSatisfy(c -> assertThat(c.num("connscope.http.requests") - c.num("connscope.http.responses"))
            .isBetween(0L, 1L));
        // Every unanswered request is an exchange span of its own, with error.type no_response.
        long unanswered = client.stream().mapToLong(c -> c.num("connscope.http.requests") - c.num("connscope.http.responses")).sum();
        List<SpanView> exchanges = mine.exchanges("client", port);
        assertThat(exchanges).filteredOn(e -> Long.valueOf(200).equals(e.num("http.response.status_code"))).hasSize(10);
        assertThat(exchanges).filteredOn(e -> "no_response".equals(e.str("error.type"))).hasSize((int) unanswered);
        assertThat(exchanges).hasSize(10 + (int) unanswered);
        assertThat(mine.exchanges("server", port)).hasSize(10);
        // The report: the server side answered each of its ten requests.
        assertThat(run.stderr).containsPattern("(?m)^  :" + port + " +10 +0 .* 10/10 +0% +0  local-close 10$");
        // Each server connection's bytes out are exactly what its client peer read, to the last
        // write, even when the server closed from another thread right after writing.
        for (SpanView srv : server) {
            SpanView peer = single(client.stream().filter(c -> c.num("network.local.port").equals(srv.num("network.peer.port")))
                .collect(Collectors.toList()));
            assertThat(srv.num("connscope.connection.bytes_sent")).isEqualTo(peer.num("connscope.connection.bytes_received"));
        }
    }

    private static void noDelay(ChildJvm.Result run, Spans spans) {
        for (boolean on : new boolean[] {false, true}) {
            Map<String, String> expect = run.expectLine("nodelay=" + on);
            int port = port(expect);
            // This scenario's time only: a later scenario's server can be given the same port.
            Spans mine = scenario(run, spans, "nodelay=" + on);
            SpanView client = single(mine.connections("client", port));
            assertThat(client.bool("connscope.tcp_nodelay")).isEqualTo(on);
            assertThat(client.bool("connscope.tcp_nodelay.before_first_write")).isEqualTo(on);
            assertThat(client.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(expect.get("client.sent")));
            assertThat(client.num("connscope.connection.bytes_received")).isEqualTo(Long.parseLong(expect.get("client.received")));
            assertThat(client.num("connscope.connection.writes")).isEqualTo(Long.parseLong(expect.get("client.writes")));
            SpanView server = single(mine.connections("server", port));
            assertThat(server.num("connscope.connection.bytes_received")).isEqualTo(Long.parseLong(expect.get("client.sent")));
            assertThat(server.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(expect.get("client.received")));
            assertThat(server.bool("connscope.tcp_nodelay")).isFalse();
        }
    }

    private static void halfClose(ChildJvm.Result run, Spans spans) {
        Map<String, String> expect = run.expectLine("client.close=graceful");
        int port = port(expect);
        Spans mine = scenario(run, spans, "client.close=graceful"); // a later scenario's server may get its port
        SpanView client = single(mine.connections("client", port));
        assertThat(client.str("connscope.close.classification")).isEqualTo("graceful");
        assertThat(client.str("connscope.close.initiator")).isEqualTo("local-shutdown-output");
        assertThat(client.str("connscope.close.sequence"))
            .isEqualTo("connect,nodelay-on,first-write,shutdown-output,first-read,eof,close");
        assertThat(client.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(expect.get("client.sent")));
        assertThat(client.num("connscope.connection.bytes_received")).isEqualTo(Long.parseLong(expect.get("client.received")));
        assertThat(client.num("connscope.connection.writes")).isEqualTo(2);
        SpanView server = single(mine.connections("server", port));
        assertThat(server.str("connscope.close.classification")).isEqualTo("peer-first");
        assertThat(server.str("connscope.close.initiator")).isEqualTo("peer");
        assertThat(server.num("connscope.connection.bytes_received")).isEqualTo(Long.parseLong(expect.get("client.sent")));
        assertThat(server.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(expect.get("client.received")));
        assertThat(server.str("network.peer.address")).isEqualTo("127.0.0.1");
        assertThat(server.num("network.peer.port")).isEqualTo(client.num("network.local.port"));
        assertThat(client.num("network.peer.port")).isEqualTo((long) port);
        assertThat(client.str("network.transport")).isEqualTo("tcp");
    }

    private static void abortiveClose(ChildJvm.Result run, Spans spans) {
        Map<String, String> expect = run.expectLine("client.close=abortive");
        int port = port(expect);
        Spans mine = scenario(run, spans, "client.close=abortive"); // a later scenario's server may get its port
        SpanView client = single(mine.connections("client", port));
        assertThat(client.str("connscope.close.classification")).isEqualTo("abortive");
        assertThat(client.str("connscope.close.initiator")).isEqualTo("local-close");
        assertThat(client.num("connscope.connection.bytes_received")).isZero();
        SpanView server = single(mine.connections("server", port));
        assertThat(server.str("connscope.close.classification")).isEqualTo("reset");
        assertThat(server.str("error.type")).isEqualTo("connection_reset");
        assertThat(server.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(expect.get("server.sent")));
        assertThat(server.span.getStatus().getCode().getNumber()).isEqualTo(2); // STATUS_CODE_ERROR
    }

    private static void tls(ChildJvm.Result run, Spans spans) {
        int port = port(run.expectLine("tls=true"));
        Spans mine = scenario(run, spans, "tls=true"); // a later scenario's server may get its port
        List<SpanView> clients = mine.connections("client", port);
        assertThat(clients).hasSize(2);
        clients.sort((a, b) -> Long.compare(a.span.getStartTimeUnixNano(), b.span.getStartTimeUnixNano()));
        for (SpanView c : clients) {
            assertThat(c.str("tls.protocol.version")).isEqualTo("1.3");
            assertThat(c.str("tls.cipher")).startsWith("TLS_");
            assertThat(c.str("tls.next_protocol")).isEqualTo("http/1.1");
            // HTTP is read from the TLS plaintext streams; the TCP bytes counted are ciphertext.
            assertThat(c.str("network.protocol.name")).isEqualTo("http");
            assertThat(c.num("connscope.http.requests")).isEqualTo(1);
            assertThat(c.num("connscope.http.responses")).isEqualTo(1);
            SpanView exchange = single(mine.exchanges("client", port).stream()
                .filter(e -> e.num("connscope.connection.id").equals(c.num("connscope.connection.id"))).collect(Collectors.toList()));
            assertThat(exchange.str("url.path")).isEqualTo("/tls");
            assertThat(exchange.num("http.response.status_code")).isEqualTo(200);
            assertThat(c.num("connscope.tls.handshakes")).isEqualTo(1);
            SpanView handshake = spans.child(c, "TLS handshake");
            assertThat(handshake.durationNanos()).isPositive().isLessThan(MAX_SETUP_NANOS);
            assertThat(handshake.bool("tls.established")).isTrue();
            assertThat(handshake.span.getStartTimeUnixNano()).isGreaterThanOrEqualTo(spans.child(c, "socket connect").span.getEndTimeUnixNano());
        }
        assertThat(clients.get(0).bool("tls.resumed")).isFalse();
        assertThat(clients.get(1).bool("tls.resumed")).isTrue();
        List<SpanView> servers = mine.connections("server", port);
        assertThat(servers).hasSize(2).allSatisfy(s -> {
            assertThat(s.str("tls.protocol.version")).isEqualTo("1.3");
            assertThat(s.num("connscope.http.requests")).isEqualTo(1);
            assertThat(s.num("connscope.http.responses")).isEqualTo(1);
        });
        // The report: two TLS handshakes to this destination, one of them resumed. The report adds up a destination
        // over the whole run, so the row is only this scenario's when no other scenario's server got the port.
        if (scenariosPrinting(run, port) == 1) {
            // (TLS resumed 1/2 and NODELAY 2/0 are in the report's wide form; the narrow one has the handshake times)
            assertThat(run.stderr).containsPattern("(?m)^  localhost:" + port + " +2 +0 +\\d+ +\\d+ +[\\d.]+/[\\d.]+ +[\\d.]+/[\\d.]+ ");
        }
    }

    private static void channel(ChildJvm.Result run, Spans spans) {
        Map<String, String> expect = run.expectLine("client.connections=2 client.sent=");
        int port = port(expect);
        Spans mine = scenario(run, spans, "client.connections=2 client.sent="); // a later scenario's server may get its port
        List<SpanView> clients = mine.connections("client", port);
        assertThat(clients).hasSize(2).allSatisfy(c -> {
            assertThat(c.str("connscope.connection.api")).isEqualTo("channel");
            assertThat(c.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(expect.get("client.sent")));
            assertThat(c.num("connscope.connection.bytes_received")).isEqualTo(Long.parseLong(expect.get("client.received")));
            assertThat(c.str("connscope.close.classification")).isEqualTo("graceful");
        });
        clients.sort((a, b) -> Long.compare(a.span.getStartTimeUnixNano(), b.span.getStartTimeUnixNano()));
        // Blocking client: TCP_NODELAY set once connected, seen once (the setOption bridge method is not hooked).
        assertThat(clients.get(0).str("connscope.close.sequence"))
            .isEqualTo("connect,nodelay-on,first-write,shutdown-output,first-read,eof,close");
        // Non-blocking client: set before connecting, read from the socket when the connect completed.
        assertThat(clients.get(1).str("connscope.close.sequence"))
            .isEqualTo("connect,first-write,shutdown-output,first-read,eof,close");
        assertThat(clients).allSatisfy(c -> {
            assertThat(c.bool("connscope.tcp_nodelay")).isTrue();
            assertThat(c.bool("connscope.tcp_nodelay.before_first_write")).isTrue();
        });
        assertThat(clients).as("zero bytes are not HTTP").noneMatch(c -> c.has("network.protocol.name"));
        List<SpanView> servers = mine.connections("server", port);
        assertThat(servers).hasSize(2).allSatisfy(s -> {
            assertThat(s.str("connscope.connection.api")).isEqualTo("channel");
            assertThat(s.num("connscope.connection.bytes_received")).isEqualTo(Long.parseLong(expect.get("client.sent")));
            assertThat(s.num("connscope.connection.bytes_sent")).isEqualTo(Long.parseLong(expect.get("client.received")));
            assertThat(s.str("connscope.close.classification")).isEqualTo("peer-first");
        });
    }

    private static void javaHttpClient(ChildJvm.Result run, Spans spans) {
        Map<String, String> expect = run.expectLine("exchanges=5");
        int port = port(expect);
        Spans mine = scenario(run, spans, "exchanges=5"); // a later scenario's server may get its port
        SpanView client = single(mine.connections("client", port));
        SpanView server = single(mine.connections("server", port));
        // java.net.http writes with gathering (vectored) writes: analysed all the same.
        assertThat(client.str("connscope.connection.api")).isEqualTo("channel");
        assertThat(client.num("connscope.http.requests")).isEqualTo(5);
        assertThat(client.num("connscope.http.responses")).isEqualTo(5);
        assertThat(client.has("connscope.http.analysis_stopped")).isFalse();
        assertThat(client.num("connscope.connection.bytes_sent")).isEqualTo(server.num("connscope.connection.bytes_received"));
        assertThat(client.num("connscope.connection.bytes_received")).isEqualTo(server.num("connscope.connection.bytes_sent"));
        for (String role : new String[] {"client", "server"}) {
            List<SpanView> exchanges = mine.exchanges(role, port);
            assertThat(exchanges).hasSize(5).allSatisfy(e -> {
                assertThat(e.num("http.response.status_code")).isEqualTo(200);
                assertThat(e.str("url.path")).isEqualTo("/java-http-client");
            });
            assertThat(exchanges).extracting(e -> e.str("http.request.method"))
                .containsExactlyInAnyOrder("GET", "GET", "GET", "POST", "POST");
            assertThat(exchanges).extracting(e -> e.num("connscope.connection.request_index"))
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        }
    }

    private static int port(Map<String, String> expect) {
        return Integer.parseInt(expect.get("port"));
    }

    private static SpanView single(List<SpanView> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }
}
