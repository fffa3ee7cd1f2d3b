package io.connscope.demo;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The JDK's built-in HTTP server on loopback, answering every request with a short fixed body. It
 * writes a response's head and body separately, so it runs with TCP_NODELAY on: otherwise every
 * keep-alive exchange meets the Nagle/delayed-ACK stall (connscope's nagle-delayed-ack).
 */
final class HttpDemoServer implements AutoCloseable {

    static {
        // Read once, when the JDK's server first starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final byte[] BODY = "hello from the connscope demo\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String lastHost;
    private volatile String lastUserAgent;

    HttpDemoServer() throws Exception {
        this(null);
    }

    /** Over TLS when {@code tls} is given: the JDK's HttpsServer, which encrypts with an SSLEngine. */
    HttpDemoServer(SSLContext tls) throws Exception {
        server = DemoPorts.bind(port -> {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            if (tls == null) {
                return HttpServer.create(loopback, 50);
            }
            HttpsServer https = HttpsServer.create(loopback, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            return https;
        }, s -> s.getAddress().getPort());
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            lastHost = exchange.getRequestHeaders().getFirst("Host");
            lastUserAgent = exchange.getRequestHeaders().getFirst("User-Agent");
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        });
        server.start();
    }

    /** The Host and User-Agent headers of the last request, as the server read them. */
    String lastHeaders() {
        return "server.host=" + lastHost + " server.user_agent=" + String.valueOf(lastUserAgent).replace(' ', '_');
    }

    /** Requests the server has answered. */
    int requests() {
        return requests.get();
    }

    /** Over TLS, to localhost: the name the demo certificate is for. */
    URL url(String path) throws IOException {
        return server instanceof HttpsServer ? new URL("https", "localhost", server.getAddress().getPort(), path)
            : new URL("http", "127.0.0.1", server.getAddress().getPort(), path);
    }

    /**
     * One GET or POST with HttpURLConnection, reading the whole body so the connection can go back
     * to the keep-alive cache; with a W3C traceparent when one is given, as a tracer would add.
     */
    static int request(URL url, String method, boolean closeConnection, String traceparent) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setRequestMethod(method);
        if (closeConnection) {
            c.setRequestProperty("Connection", "close");
        }
        if (traceparent != null) {
            c.setRequestProperty("traceparent", traceparent);
        }
        if (method.equals("POST")) {
            c.setDoOutput(true);
            try (OutputStream o = c.getOutputStream()) {
                o.write(BODY);
            }
        }
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
        return c.getResponseCode();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
