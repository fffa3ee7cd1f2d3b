package io.connscope.stacks.conformance;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The conformance suite's fault runs, every client library against servers that misbehave or race:
 * <ul>
 * <li><b>idle close</b>: a Jetty server whose idle timeout ({@value #IDLE_TIMEOUT_MS} ms) is shorter
 * than the pause between a client's requests ({@value #PAUSE_MS} ms), so each request after the
 * first finds its pooled connection closed by the server: GET, pause, GET, pause, POST;</li>
 * <li><b>truncation</b>: a JDK HttpServer that declares {@value #DECLARED} body bytes, sends
 * {@value #SENT}, and drops the connection;</li>
 * <li><b>linger reset</b>: Tomcat with {@code connectionLinger} 0 (SO_LINGER 0 on its sockets) and one
 * request per connection, so that it ends every connection, after its response, with a reset;</li>
 * <li><b>client Nagle</b>: a Netty client with TCP_NODELAY off that streams each of {@value #NAGLE_POSTS}
 * POSTs to Jetty (which answers at once) as its head, flushed, then its body: the body waits in the
 * client's kernel for the ACK of the head, which the server delays.</li>
 * </ul>
 * Prints what each client saw and what each server handled, path by path, for the tests to hold
 * connscope's claims to: {@code expect: fault=<name> client=<c> ... } and {@code expect: fault=<name>
 * side=server port=<p> handled=<path>:<times>,...}.
 */
public final class ConformanceFaultsApp {

    static final int IDLE_TIMEOUT_MS = 250;
    static final int PAUSE_MS = 700;
    static final int DECLARED = 100;
    static final int SENT = 40;
    static final int NAGLE_POSTS = 6;

    private ConformanceFaultsApp() {
    }

    public static void main(String[] args) {
        SuiteMain.run(ConformanceFaultsApp::run);
    }

    private static void run() throws Exception {
        List<String> lines = new ArrayList<>();
        idleClose(lines);
        truncation(lines);
        lingerReset(lines);
        clientNagle(lines);
        lines.forEach(System.out::println);
    }

    private static void idleClose(List<String> lines) throws Exception {
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asByteBuffer(request);
                String path = Request.getPathInContext(request);
                handled.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                byte[] b = ConformanceServers.body(path);
                response.getHeaders().put("Content-Length", b.length);
                response.write(true, ByteBuffer.wrap(b), callback);
                return true;
            }
        });
        server.start();
        int port = connector.getLocalPort();
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        for (ConformanceClients.Client client : ConformanceClients.all()) {
            String who = ConformanceApp.label(client.name());
            List<String> paths = List.of("/get/" + who + "/idle/0", "/get/" + who + "/idle/1", "/post/" + who + "/idle/2");
            StringBuilder outcomes = new StringBuilder();
            try (ConformanceClients.Session session = client.open(false)) {
                for (String path : paths) {
                    outcomes.append(outcomes.length() == 0 ? "" : ",").append(outcome(session, base, path));
                    Thread.sleep(PAUSE_MS);
                }
            }
            lines.add("expect: fault=idle-close client=" + who + " outcomes=" + outcomes);
        }
        server.stop();
        lines.add("expect: fault=idle-close side=server port=" + port + " handled=" + handled(handled));
    }

    private static void truncation(List<String> lines) throws Exception {
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            handled.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(200, DECLARED);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[SENT]);
            out.flush();
            exchange.close(); // short of the declared length: the server drops the connection
        });
        server.start();
        int port = server.getAddress().getPort();
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        for (ConformanceClients.Client client : ConformanceClients.all()) {
            String who = ConformanceApp.label(client.name());
            try (ConformanceClients.Session session = client.open(false)) {
                lines.add("expect: fault=truncation client=" + who + " outcome=" + outcome(session, base, "/get/" + who + "/cut/0"));
            }
        }
        server.stop(0);
        lines.add("expect: fault=truncation side=server port=" + port + " handled=" + handled(handled));
    }

    private static void lingerReset(List<String> lines) throws Exception {
        ConformanceServers.Running tomcat = ConformanceServers.tomcat("tomcat-linger", "connectionLinger", "0",
            "maxKeepAliveRequests", "1");
        URI base = URI.create("http://127.0.0.1:" + tomcat.port + "/");
        for (ConformanceClients.Client client : ConformanceClients.all()) {
            String who = ConformanceApp.label(client.name());
            StringBuilder outcomes = new StringBuilder();
            try (ConformanceClients.Session session = client.open(false)) {
                for (int i = 0; i < 2; i++) {
                    outcomes.append(i == 0 ? "" : ",").append(outcome(session, base, "/get/" + who + "/linger/" + i));
                }
            }
            lines.add("expect: fault=linger-reset client=" + who + " outcomes=" + outcomes);
        }
        tomcat.close();
        lines.add("expect: fault=linger-reset side=server port=" + tomcat.port + " handled=" + handled(tomcat.handled));
    }

    private static void clientNagle(List<String> lines) throws Exception {
        ConformanceServers.Running jetty = ConformanceServers.jetty(false);
        URI base = URI.create("http://127.0.0.1:" + jetty.port + "/");
        StringBuilder took = new StringBuilder();
        int right = 0;
        try (ConformanceClients.Session session = ConformanceNetty.streamingClientWithNagle()) {
            for (int i = 0; i < NAGLE_POSTS; i++) {
                String path = "/post/Netty/nagle/" + i;
                long start = System.nanoTime();
                byte[] body = session.send(base.resolve(path), true);
                took.append(took.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6));
                right += Arrays.equals(body, ConformanceServers.body(path)) ? 1 : 0;
            }
        }
        jetty.close();
        lines.add("expect: fault=client-nagle client=Netty port=" + jetty.port + " right=" + right + " took.ms=" + took);
    }

    /** {@code ok}, {@code wrong} (an answer that is not the server's), or the failure's class. */
    private static String outcome(ConformanceClients.Session session, URI base, String path) {
        try {
            byte[] body = session.send(base.resolve(path), ConformanceApp.isPost(path));
            return Arrays.equals(body, ConformanceServers.body(path)) ? "ok" : "wrong";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private static String handled(Map<String, AtomicInteger> handled) {
        StringBuilder b = new StringBuilder();
        handled.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> b.append(b.length() == 0 ? "" : ",").append(e.getKey()).append(':').append(e.getValue().get()));
        return b.toString();
    }
}
