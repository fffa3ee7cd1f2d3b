package io.connscope.it;

import static io.connscope.it.support.StackChecks.warningsAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.Jvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.PacketCapture;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance suite's fault runs (ConformanceFaultsApp), every client library in each, against a
 * packet capture of loopback taken by Debian's dumpcap and read with tshark: what crossed the wire,
 * independently of connscope's hooks, beside the servers' own counts and the clients' own outcomes.
 * Every WARN must be one that truth backs, and every one that truth calls for must be there.
 *
 * <ul>
 * <li><b>Idle close</b> (Jetty closes a pooled connection after 250 ms idle; each client pauses 700 ms
 * between GET, GET and POST): a client whose POST the capture shows written twice, while the server
 * handled it at most once, resent it on its own: {@code unsafe-resend}, and only there
 * (HttpURLConnection and OkHttp). A {@code connection-reset} only where the capture shows the server's
 * RST to that very connection (HttpURLConnection, whose write met it). Apache HttpClient 5 writes its
 * POST into the closed connection, gets {@code NoHttpResponseException}, and closes with SO_LINGER 0:
 * INFO, since the server had closed first. java.net.http and Jetty's client notice the close while
 * idle.</li>
 * <li><b>Truncation</b> (a JDK HttpServer declares 100 body bytes, sends 40, and drops the
 * connection): {@code truncated-body} at both ends of every client's connection, "received 40 of 100"
 * and "sent 40 of 100", and nothing else.</li>
 * </ul>
 */
class ConformanceFaultsIT {

    private static final String APP = "io.connscope.stacks.conformance.ConformanceFaultsApp";
    private static final String[] CLIENTS = {"HttpURLConnection", "java.net.http", "OkHttp", "Apache-HttpClient-5",
        "Jetty-HttpClient"};
    private static List<String> classpath;

    @BeforeAll
    static void fixtures() throws Exception {
        classpath = StackFixtures.classpath();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void idleClosesAndTruncationsRaiseExactlyWhatTheWireShows(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start(); PacketCapture wire = PacketCapture.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main(APP, classpath).assertSuccess();
            wire.stop();
            Spans spans = otlp.spans();
            idleClose(run, spans, otlp, wire);
            truncation(run, otlp);
        }
    }

    private static void idleClose(ChildJvm.Result run, Spans spans, OtlpReceiver otlp, PacketCapture wire) throws Exception {
        Map<String, String> server = run.expectLine("fault=idle-close side=server ");
        int port = Integer.parseInt(server.get("port"));
        Map<String, Integer> handled = handled(server.get("handled"));
        List<String> requests = wire.httpRequestsTo(port);
        List<String> resets = wire.resetsFrom(port);
        Set<String> backedByTheWire = new TreeSet<>();
        for (String client : CLIENTS) {
            String outcomes = run.expectLine("fault=idle-close client=" + client + " ").get("outcomes");
            String post = "/post/" + client + "/idle/2";
            long postsOnTheWire = requests.stream().filter(r -> r.startsWith("POST\t" + post + "\t")).count();
            assertThat(handled.getOrDefault(post, 0)).as("%s: the server handles a POST at most once", client).isLessThanOrEqualTo(1);
            assertThat(handled.getOrDefault(post, 0)).as("%s: handled iff the client got its answer (%s)", client, outcomes)
                .isEqualTo(outcomes.endsWith(",ok") ? 1 : 0);
            assertThat(postsOnTheWire).as("%s's POST on the wire", client).isBetween(1L, 2L);
            if (postsOnTheWire == 2) {
                backedByTheWire.add(client + " unsafe-resend");
            }
        }
        Map<Long, String> clientOf = new HashMap<>();
        Map<Long, Long> localPortOf = new HashMap<>();
        for (SpanView e : spans.exchanges("client", port)) {
            clientOf.put(e.num("connscope.connection.id"), e.str("url.path").split("/")[2]);
        }
        for (SpanView c : spans.connections("client", port)) {
            localPortOf.put(c.num("connscope.connection.id"), c.num("network.local.port"));
        }
        Set<String> claimed = new TreeSet<>();
        for (LogView w : warnings(otlp, port)) {
            assertThat(w.str("connscope.connection.role")).as("%s", w).isEqualTo("client");
            long id = w.num("connscope.connection.id");
            String rule = w.str("connscope.rule");
            claimed.add(clientOf.get(id) + " " + rule);
            if (rule.equals("connection-reset")) {
                assertThat(resets).as("the server's RSTs on the wire, to client ports").contains(String.valueOf(localPortOf.get(id)));
                backedByTheWire.add(clientOf.get(id) + " " + rule);
            }
        }
        assertThat(claimed).as("every WARN at the idle-closing server, by client").isEqualTo(backedByTheWire)
            .containsExactly("HttpURLConnection connection-reset", "HttpURLConnection unsafe-resend", "OkHttp unsafe-resend");
    }

    private static void truncation(ChildJvm.Result run, OtlpReceiver otlp) throws Exception {
        Map<String, String> server = run.expectLine("fault=truncation side=server ");
        int port = Integer.parseInt(server.get("port"));
        Set<String> expected = new TreeSet<>();
        for (String client : CLIENTS) {
            assertThat(handled(server.get("handled"))).containsEntry("/get/" + client + "/cut/0", 1);
            // Each client failed, or (HttpURLConnection on JDK 17) handed the application a short body.
            assertThat(run.expectLine("fault=truncation client=" + client + " ").get("outcome")).isNotEqualTo("ok");
            expected.add("client truncated-body: received 40 of 100 bytes");
            expected.add("server truncated-body: sent 40 of 100 bytes");
        }
        List<LogView> warnings = warnings(otlp, port);
        assertThat(warnings).hasSize(2 * CLIENTS.length);
        Set<String> said = new TreeSet<>();
        for (LogView w : warnings) {
            String evidence = w.str("connscope.evidence");
            said.add(w.str("connscope.connection.role") + " " + w.str("connscope.rule") + ": "
                + evidence.substring(evidence.lastIndexOf("close: ") + "close: ".length(), evidence.length() - 1));
        }
        assertThat(said).isEqualTo(expected);
    }

    /** The WARN records at the port (INFO ones, such as close-ordering, are told, not claimed). */
    private static List<LogView> warnings(OtlpReceiver otlp, int port) throws Exception {
        List<LogView> all = warningsAt(otlp, port);
        all.removeIf(w -> !"WARN".equals(w.severityText()));
        return all;
    }

    /** "path:times,path:times" as the app printed it. */
    private static Map<String, Integer> handled(String list) {
        Map<String, Integer> handled = new HashMap<>();
        for (String entry : list.split(",")) {
            int colon = entry.lastIndexOf(':');
            handled.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
        }
        return handled;
    }
}
