package io.connscope.bench.workload;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTP server on loopback, answering every request with a 64-byte body after reading the
 * request body. The JDK's own server keeps the comparison free of third-party code.
 */
final class LoopbackHttpServer implements AutoCloseable {

    static final byte[] BODY = new byte[64];
    /** Requests under this path get {@code Connection: close}: the server closes after answering. */
    static final String CLOSE_PATH = "/close";

    static {
        Arrays.fill(BODY, (byte) 'x');
        // Without it the server's small response writes meet the client's delayed ACK (40 ms stalls).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    LoopbackHttpServer() throws IOException {
        this(null);
    }

    /** Over TLS when {@code tls} is given: the JDK's HttpsServer, which encrypts with an SSLEngine. */
    LoopbackHttpServer(SSLContext tls) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(loopback, 128);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/", LoopbackHttpServer::answer);
        server.setExecutor(executor);
        server.start();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        if (exchange.getRequestURI().getPath().startsWith(CLOSE_PATH)) {
            // Said in the response too: HttpURLConnection ignores its own request's Connection: close and
            // would pool the connection, then find it closed on the next request and resend that silently.
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(200, BODY.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(BODY);
        }
    }

    /** Over TLS, to localhost: the name the certificate is for. */
    String url(String path) {
        return (server instanceof HttpsServer ? "https://localhost:" : "http://127.0.0.1:") + server.getAddress().getPort()
            + path;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
