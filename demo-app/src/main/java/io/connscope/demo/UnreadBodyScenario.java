package io.connscope.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HttpURLConnection GETs whose 64 KiB bodies the client never reads nor closes: the JDK cannot put their
 * connections back in its keep-alive cache, so each request opens a new one, and each sits unused to
 * the end with the rest of its body waiting unread. Its healthy counterpart reads each body to the end
 * and closes it: three requests, one connection. Each server counts the connections it was asked on by
 * their client ports, its own truth.
 */
final class UnreadBodyScenario implements Scenario {

    static {
        // The JDK's server writes a head and a body apart: TCP_NODELAY on, as for HttpDemoServer, or each exchange
        // meets a delayed-ACK stall. Read once, when the JDK's server first starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final int BODY = 64 * 1024;
    static final int REQUESTS = 3;

    /**
     * The connections left with their bodies unread, kept until the JVM exits. When the tour loops, each
     * run first disconnects the last run's, at a known time rather than whenever the garbage collector
     * finds them: HttpURLConnection then reads what is left of each body (it has all come) and closes the
     * connection, so the warnings are for the last run's, at exit.
     */
    private static final List<HttpURLConnection> LEFT_UNREAD = new ArrayList<>();

    @Override
    public String name() {
        return "unread-body";
    }

    @Override
    public String description() {
        return "HttpURLConnection GETs whose bodies are never read nor closed: a new connection per request, each left"
            + " with its body unread (and a client that reads them: one connection)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        synchronized (LEFT_UNREAD) {
            for (HttpURLConnection c : LEFT_UNREAD) {
                c.disconnect();
            }
            LEFT_UNREAD.clear();
        }
        Set<Integer> unreadClients = ConcurrentHashMap.newKeySet();
        Set<Integer> readClients = ConcurrentHashMap.newKeySet();
        HttpServer unread = server(unreadClients);
        HttpServer read = server(readClients);
        try {
            for (int i = 0; i < REQUESTS; i++) {
                HttpURLConnection c = open(unread);
                c.getResponseCode();
                c.getInputStream(); // neither read nor closed
                synchronized (LEFT_UNREAD) {
                    LEFT_UNREAD.add(c);
                }
            }
            for (int i = 0; i < REQUESTS; i++) {
                try (InputStream in = open(read).getInputStream()) {
                    in.readAllBytes();
                }
            }
            // connscope takes input waiting at exit for a body left unread only after a second with nothing read: the
            // scenario may be the tour's last.
            Thread.sleep(1100);
        } finally {
            unread.stop(0);
            read.stop(0);
        }
        out.println("  " + REQUESTS + " bodies left unread: " + unreadClients.size() + " connections; " + REQUESTS
            + " read to the end: " + readClients.size());
        out.println("expect: unread.body=demo unread.port=" + unread.getAddress().getPort() + " unread.connections="
            + unreadClients.size() + " read.port=" + read.getAddress().getPort() + " read.connections=" + readClients.size());
    }

    private static HttpURLConnection open(HttpServer server) throws Exception {
        return (HttpURLConnection) new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/big").openConnection();
    }

    /** A server writing a body the kernel's buffers hold whole, so its handler never waits for the client. */
    private static HttpServer server(Set<Integer> clientPorts) throws Exception {
        HttpServer server = DemoPorts.bind(port -> HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            port), 50), s -> s.getAddress().getPort());
        byte[] body = new byte[BODY];
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        return server;
    }
}
