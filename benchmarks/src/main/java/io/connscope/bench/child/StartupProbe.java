package io.connscope.bench.child;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;

/**
 * Child JVM main for start-up cost: a trivial application that starts an HTTP server and makes its
 * first request. The harness times the launch until the {@code ready} line.
 */
public final class StartupProbe {

    private StartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", exchange -> {
            byte[] body = "ok".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/")
            .openConnection();
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
        System.out.println("ready");
        System.out.println("process peakRssKib=" + ProcessStats.peakRssKib());
        System.out.flush();
        server.stop(0);
        System.exit(0);
    }
}
