package io.connscope.stacks.conformance;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The healthy conformance run: every client library against every server, ordinary keep-alive use
 * ({@value #GETS} GETs and {@value #POSTS} POSTs per pair, one client object per pair), and the HTTP/2
 * clients against the server that speaks h2c as well. Prints the
 * servers' own counts and the clients' checked answers, which the tests hold connscope's figures to:
 * {@code expect: conformance=server server=<name> port=<p> requests=<n>} and
 * {@code expect: conformance=client client=<name> server=<name> sent=<n> right=<n> stalled=<n> took.ms=<list>},
 * where the timings are the client's own.
 */
public final class ConformanceApp {

    static final int GETS = 4;
    static final int POSTS = 2;

    private ConformanceApp() {
    }

    public static void main(String[] args) {
        SuiteMain.run(ConformanceApp::run);
    }

    private static void run() throws Exception {
        List<ConformanceServers.Running> servers = ConformanceServers.startAll();
        List<String> lines = new ArrayList<>();
        for (ConformanceServers.Running server : servers) {
            URI base = URI.create((server.tls ? "https" : "http") + "://127.0.0.1:" + server.port + "/");
            List<ConformanceClients.Client> clients = new ArrayList<>(ConformanceClients.all());
            if (server.h2c) {
                clients.addAll(ConformanceClients.h2c());
            }
            for (ConformanceClients.Client client : clients) {
                List<String> paths = paths(client.name(), server.name);
                long[] took = new long[paths.size()];
                int right = 0;
                try (ConformanceClients.Session session = client.open(server.tls)) {
                    for (int i = 0; i < paths.size(); i++) {
                        String path = paths.get(i);
                        long start = System.nanoTime();
                        byte[] body = session.send(base.resolve(path), isPost(path));
                        took[i] = System.nanoTime() - start;
                        right += Arrays.equals(body, ConformanceServers.body(path)) ? 1 : 0;
                    }
                }
                lines.add("expect: conformance=client client=" + label(client.name()) + " server=" + server.name
                    + " sent=" + paths.size() + " right=" + right + " stalled=" + stalled(took)
                    + " took.ms=" + Arrays.stream(took).mapToObj(n -> String.format(Locale.ROOT, "%.1f", n / 1e6))
                    .collect(Collectors.joining(",")));
            }
        }
        for (ConformanceServers.Running server : servers) {
            server.close();
            lines.add("expect: conformance=server server=" + server.name + " port=" + server.port + " requests=" + server.requests.get());
        }
        lines.add("expect: conformance=netty transport=" + ConformanceNetty.transport());
        lines.forEach(System.out::println);
    }

    /**
     * Requests after the first (which pays the connection and the library's warm-up) that took as long
     * as a delayed ACK holds a Nagle-delayed segment: 36 to 250 ms. For the reader: the tests take their
     * truth from a packet capture, which tells a held segment from a slow client.
     */
    static int stalled(long[] took) {
        int n = 0;
        for (int i = 1; i < took.length; i++) {
            n += took[i] >= 36_000_000L && took[i] <= 250_000_000L ? 1 : 0;
        }
        return n;
    }

    static boolean isPost(String path) {
        return path.startsWith("/post");
    }

    /** A client's name as one token of a line, and in the paths it sends. */
    static String label(String client) {
        return client.replaceAll("[^A-Za-z0-9.]", "-");
    }

    /** GETs, then POSTs, each path naming its client and server, so a request seen anywhere says whose it was. */
    static List<String> paths(String client, String server) {
        String who = label(client) + "/" + server;
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < GETS; i++) {
            paths.add("/get/" + who + "/" + i);
        }
        for (int i = 0; i < POSTS; i++) {
            paths.add("/post/" + who + "/" + i);
        }
        return paths;
    }
}
