package io.connscope.it;

import static io.connscope.it.support.StackChecks.warningsAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.PacketCapture;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import io.connscope.testsupport.Jvm;
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
 * <li><b>Linger reset</b> (Tomcat with {@code connectionLinger} 0 and one request per connection): every
 * server connection an {@code abortive-close}, each RST the capture has from the server among them, and
 * a client's {@code connection-reset} only where the capture has the RST to its port.</li>
 * <li><b>Client Nagle</b> (a Netty client with TCP_NODELAY off streams each POST's head and body in two
 * flushes to Jetty): {@code nagle-delayed-ack} on the client, the capture showing the bodies held.</li>
 * </ul>
 */
class ConformanceFaultsIT {

    private static final String APP = "io.connscope.stacks.conformance.ConformanceFaultsApp";
    private static final String[] CLIENTS = {"HttpURLConnection", "java.net.http", "OkHttp", "Apache-HttpClient-5",
        "Jetty-HttpClient", "Apache-HttpClient-5-async", "Netty", "Vert.x"};
    /** The body of each POST (ConformanceClients.POSTED). */
    private static final int POSTED_BYTES = 11;
    private static List<String> classpath;

    @BeforeAll
    static void fixtures() throws Exception {
        classpath = StackFixtures.classpath();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void idleClosesAndTruncationsRaiseExactlyWhatTheWireShows(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start(); PacketCapture wire = PacketCapture.start()) {
            // Every warning exported, beyond the default 10 a minute per rule and destination: the linger run has 16.
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).jvmArg("-Dconnscope.warnings.per.minute=100")
                .main(APP, classpath).assertSuccess();
            wire.stop();
            Spans spans = otlp.spans();
            idleClose(run, spans, otlp, wire);
            truncation(run, otlp);
            lingerReset(run, spans, otlp, wire);
            clientNagle(run, otlp, wire);
        }
    }

    /**
     * A Netty client with TCP_NODELAY off streams each POST as its head, then its body. The capture says
     * how many bodies left the client 36-250 ms after their heads (held by Nagle until the server's
     * delayed ACK): when three or more, {@code nagle-delayed-ack} on the client, and nothing else.
     */
    private static void clientNagle(ChildJvm.Result run, OtlpReceiver otlp, PacketCapture wire) throws Exception {
        Map<String, String> truth = run.expectLine("fault=client-nagle ");
        int port = Integer.parseInt(truth.get("port"));
        assertThat(truth.get("right")).isEqualTo("6");
        int bodies = 0;
        int held = 0;
        double headAt = -1;
        for (PacketCapture.Segment s : wire.segments(port)) {
            if (s.from == port || s.length == 0) {
                continue;
            }
            if (s.length == POSTED_BYTES && headAt >= 0) {
                bodies++;
                double gap = s.at - headAt;
                held += gap >= 0.036 && gap <= 0.250 ? 1 : 0;
            }
            headAt = s.at;
        }
        assertThat(bodies).as("POST bodies on the wire, each apart from its head").isEqualTo(6);
        assertThat(held).as("bodies held 36-250 ms after their heads, by the capture (client took %s ms)", truth.get("took.ms"))
            .isGreaterThanOrEqualTo(3);
        Set<String> claimed = new TreeSet<>();
        for (LogView w : warnings(otlp, port)) {
            claimed.add(w.str("connscope.connection.role") + " " + w.str("connscope.rule"));
        }
        assertThat(claimed).containsExactly("client nagle-delayed-ack");
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
                + evidence.substring(evidence.lastIndexOf(": ") + ": ".length(), evidence.length() - 1));
        }
        assertThat(said).isEqualTo(expected);
    }

    /**
     * Every connection Tomcat ends with SO_LINGER 0 after a response: the capture's RSTs from its port are
     * the truth. Each server connection the capture shows reset by the server is an abortive-close there,
     * and nothing else; a client's connection-reset only where the capture has the RST to its port.
     */
    private static void lingerReset(ChildJvm.Result run, Spans spans, OtlpReceiver otlp, PacketCapture wire) throws Exception {
        Map<String, String> server = run.expectLine("fault=linger-reset side=server ");
        int port = Integer.parseInt(server.get("port"));
        Set<String> resetPorts = new TreeSet<>(wire.resetsFrom(port));
        Map<Long, Long> peerPortOf = new HashMap<>();
        for (SpanView c : spans.connections("server", port)) {
            peerPortOf.put(c.num("connscope.connection.id"), c.num("network.peer.port"));
        }
        Map<Long, Long> localPortOf = new HashMap<>();
        for (SpanView c : spans.connections("client", port)) {
            localPortOf.put(c.num("connscope.connection.id"), c.num("network.local.port"));
        }
        Set<String> abortive = new TreeSet<>();
        for (LogView w : warnings(otlp, port)) {
            String rule = w.str("connscope.rule");
            long id = w.num("connscope.connection.id");
            if (w.str("connscope.connection.role").equals("server")) {
                assertThat(rule).as("%s", w).isEqualTo("abortive-close");
                abortive.add(String.valueOf(peerPortOf.get(id)));
            } else {
                // A client that met the server's reset says so (connection-reset), or, having half-closed first (Jetty's
                // client), that its connection "was then reset" (close-ordering): either way backed by the capture.
                assertThat(rule).as("%s", w).isIn("connection-reset", "close-ordering");
                assertThat(resetPorts).as("the server's RSTs on the wire").contains(String.valueOf(localPortOf.get(id)));
            }
        }
        // Every connection's close was a SO_LINGER 0 close (Tomcat's setting): each is said abortive. The capture
        // has the server's RST for each, but where the client reset first (Apache HttpClient 5 closes a connection
        // the server said it would close with SO_LINGER 0 too), which the rule's evidence allows for.
        assertThat(abortive).as("server connections said abortive, by client port").hasSize(2 * CLIENTS.length)
            .containsAll(resetPorts);
        Map<String, String> clientOfPort = new HashMap<>();
        for (SpanView e : spans.exchanges("client", port)) {
            clientOfPort.put(String.valueOf(localPortOf.get(e.num("connscope.connection.id"))), e.str("url.path").split("/")[2]);
        }
        clientOfPort.forEach((clientPort, client) -> {
            if (!client.equals("Apache-HttpClient-5")) {
                assertThat(resetPorts).as("the server's RST to %s's port %s", client, clientPort).contains(clientPort);
            }
        });
        for (String client : CLIENTS) {
            assertThat(handled(server.get("handled"))).containsEntry("/get/" + client + "/linger/0", 1)
                .containsEntry("/get/" + client + "/linger/1", 1);
        }
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
