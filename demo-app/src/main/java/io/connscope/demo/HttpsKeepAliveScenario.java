package io.connscope.demo;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.connscope.testsupport.LoopbackTls;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * HttpsURLConnection GETs over one persistent TLS connection: connscope reads the HTTP from the
 * TLS plaintext, and HttpURLConnection's keep-alive cache shows the same way as over cleartext.
 */
final class HttpsKeepAliveScenario implements Scenario {

    static final int REQUESTS = 3;

    @Override
    public String name() {
        return "https-keepalive";
    }

    @Override
    public String description() {
        return REQUESTS + " HTTPS GETs with HttpsURLConnection over one persistent TLS connection";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext tls = LoopbackTls.context();
        HttpsServer server = DemoPorts.bind(
            port -> HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50),
            s -> s.getAddress().getPort());
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, HttpDemoServer.BODY.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(HttpDemoServer.BODY);
            }
        });
        server.start();
        try {
            URL url = new URL("https", "localhost", server.getAddress().getPort(), "/https-keepalive");
            // One factory for all requests: it is part of HttpURLConnection's keep-alive cache key, and
            // SSLContext.getSocketFactory() may return a new one per call, which would defeat reuse.
            SSLSocketFactory factory = tls.getSocketFactory();
            for (int i = 0; i < REQUESTS; i++) {
                HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
                c.setSSLSocketFactory(factory);
                try (InputStream in = c.getInputStream()) {
                    in.readAllBytes();
                }
            }
            out.println("  " + REQUESTS + " requests, one TLS handshake");
            out.println("expect: client.connections=1 https.exchanges=" + REQUESTS + " port=" + url.getPort());
        } finally {
            server.stop(0);
        }
    }
}
