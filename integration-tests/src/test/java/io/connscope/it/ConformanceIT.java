package io.connscope.it;

import static io.connscope.it.support.StackChecks.warningsAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.Jvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance suite's healthy run: five client libraries (HttpURLConnection, java.net.http,
 * OkHttp 5, Apache HttpClient 5, Jetty 12's HttpClient) against six servers at their defaults (Jetty
 * 12 in clear and over TLS, Tomcat 11, Undertow 2.4, the JDK's HttpServer, OkHttp's MockWebServer), in
 * ordinary keep-alive use: four GETs and two POSTs per pair, one client object per pair, every body
 * read, clients closed as their documentation says (or left to the JVM's exit where they have no
 * close), servers stopped. One child JVM per JDK runs all 30 pairs (about 6 s).
 *
 * <p>Every figure is held to the libraries' own: the requests each server answered, the answers each
 * client checked. A WARN is a claim about the world, and the only ones allowed are those the clients'
 * own clocks prove. Here that is {@code peer-nagle-delayed-ack} on exactly the pairs whose requests
 * after the first each waited 36-250 ms (MockWebServer, and the JDK 17 HttpServer, write a response's
 * head and body apart with TCP_NODELAY off: every client measures 41-48 ms there, and under 20 ms on
 * the other servers, and on JDK 25's HttpServer). Everything else connscope says of this traffic is INFO
 * or nothing.
 */
class ConformanceIT {

    private static final String APP = "io.connscope.stacks.conformance.ConformanceApp";
    private static final String[] SERVERS = {"jetty", "jetty-tls", "tomcat", "undertow", "jdk-httpserver", "mockwebserver"};
    private static final String[] CLIENTS = {"HttpURLConnection", "java.net.http", "OkHttp", "Apache-HttpClient-5",
        "Jetty-HttpClient"};
    private static final int PER_PAIR = 6;

    private static List<String> classpath;

    @BeforeAll
    static void fixtures() throws Exception {
        classpath = StackFixtures.classpath();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void healthyTrafficRaisesOnlyTheWarningsTheClientsOwnClocksProve(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main(APP, classpath).assertSuccess();
            Spans spans = otlp.spans();
            Set<String> provenStalls = new TreeSet<>();
            Set<String> claimedWarnings = new TreeSet<>();
            Set<String> told = new TreeSet<>();
            for (String server : SERVERS) {
                Map<String, String> truth = run.expectLine("conformance=server server=" + server + " ");
                int port = Integer.parseInt(truth.get("port"));
                assertThat(truth.get("requests")).as(server).isEqualTo(String.valueOf(CLIENTS.length * PER_PAIR));
                for (String client : CLIENTS) {
                    Map<String, String> pair = run.expectLine("client=" + client + " server=" + server + " ");
                    assertThat(pair.get("right")).as("%s answers checked by %s", server, client).isEqualTo(String.valueOf(PER_PAIR));
                    // The rule needs the stall 3 times: a request or two slowed by this machine's load (a JIT pause,
                    // a busy core) proves nothing, and no WARN may come of it.
                    if (Integer.parseInt(pair.get("stalled")) >= 3) {
                        provenStalls.add(client + " -> " + server + ": peer-nagle-delayed-ack");
                    }
                }
                exchanges(spans, server, port);
                if (server.endsWith("-tls")) {
                    // Each client's TLS (SSLSocket for HttpURLConnection, OkHttp and Apache; SSLEngine for java.net.http and
                    // Jetty, and for Jetty's server) read in plaintext: the exchanges above, and the handshake at both ends.
                    // At least one connection per client (a library may open another now and then), the same at both ends.
                    assertThat(spans.connections("client", port)).as("client connections at %s", server)
                        .hasSizeGreaterThanOrEqualTo(CLIENTS.length).hasSameSizeAs(spans.connections("server", port));
                    for (String role : new String[] {"client", "server"}) {
                        assertThat(spans.connections(role, port)).as("%s connections at %s", role, server)
                            .allSatisfy(c -> assertThat(c.str("tls.protocol.version")).isEqualTo("1.3"));
                    }
                }
                Map<Long, String> clientOfConnection = clientsByConnection(spans, port);
                for (LogView w : warningsAt(otlp, port)) {
                    if (!"WARN".equals(w.severityText())) {
                        told.add(clientOfConnection.get(w.num("connscope.connection.id")) + " -> " + server + ": "
                            + w.str("connscope.rule") + (w.str("connscope.evidence").contains("different SSLContexts")
                            ? " (different SSLContexts)" : w.str("connscope.evidence").contains("carried no data either way")
                            ? " (no data)" : ""));
                        continue;
                    }
                    assertThat(w.str("connscope.connection.role")).as("%s", w).isEqualTo("client");
                    claimedWarnings.add(clientOfConnection.get(w.num("connscope.connection.id")) + " -> " + server + ": "
                        + w.str("connscope.rule"));
                }
            }
            assertThat(claimedWarnings).as("every WARN, by client and server").isEqualTo(provenStalls);
            // MockWebServer stalls every client on every JDK; the JDK's HttpServer on JDK 17 (41-48 ms) but not on
            // 25 (under 10 ms): the clocks decide, and connscope must follow them either way.
            for (String client : CLIENTS) {
                assertThat(provenStalls).contains(client + " -> mockwebserver: peer-nagle-delayed-ack");
            }
            // What is told, as the README's table says: each library brings its own SSLContext (the app makes one per
            // client object), so from the third handshake to Jetty over TLS on, a fresh context had nothing to resume;
            // and Tomcat's connector, as it stops, wakes its acceptor with a connection that carries nothing (no exchange).
            assertThat(told).contains("OkHttp -> jetty-tls: tls-no-resumption (different SSLContexts)",
                "Apache-HttpClient-5 -> jetty-tls: tls-no-resumption (different SSLContexts)",
                "Jetty-HttpClient -> jetty-tls: tls-no-resumption (different SSLContexts)",
                "null -> tomcat: abortive-close (no data)");
            assertThat(told).noneMatch(t -> t.contains("tls-no-resumption") && !t.contains("-> jetty-tls"));
        }
    }

    /** Each side's exchanges at the server's port: the server's own count, each answered 200, each client's six. */
    private static void exchanges(Spans spans, String server, int port) {
        for (String role : new String[] {"client", "server"}) {
            List<SpanView> exchanges = spans.exchanges(role, port);
            assertThat(exchanges).as("%s exchanges at %s", role, server).hasSize(CLIENTS.length * PER_PAIR)
                .allSatisfy(e -> assertThat(e.num("http.response.status_code")).isEqualTo(200L));
            Map<String, Integer> byClient = new HashMap<>();
            for (SpanView e : exchanges) {
                byClient.merge(clientOf(e), 1, Integer::sum);
            }
            Map<String, Integer> expected = new HashMap<>();
            for (String client : CLIENTS) {
                expected.put(client, PER_PAIR);
            }
            assertThat(byClient).as("%s exchanges at %s, by the client named in their paths", role, server).isEqualTo(expected);
        }
    }

    /** Which client library each client connection at the port carried, from its exchanges' paths. */
    private static Map<Long, String> clientsByConnection(Spans spans, int port) {
        Map<Long, String> clients = new HashMap<>();
        for (SpanView e : spans.exchanges("client", port)) {
            clients.put(e.num("connscope.connection.id"), clientOf(e));
        }
        return clients;
    }

    /** The client named in an exchange's path: /get/<client>/<server>/<n> or /post/… */
    private static String clientOf(SpanView exchange) {
        String path = exchange.str("url.path");
        List<String> parts = new ArrayList<>(List.of(path.split("/")));
        return parts.size() > 2 ? parts.get(2) : path;
    }
}
