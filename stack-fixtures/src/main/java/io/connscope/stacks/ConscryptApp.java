package io.connscope.stacks;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.connscope.testsupport.LoopbackTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.conscrypt.Conscrypt;

/**
 * java.net.http over Conscrypt: the client's TLS is Conscrypt's engine (BoringSSL), the server is the
 * JDK's HttpsServer with the JDK's engine. {@value #REQUESTS} GETs over one connection. Prints the
 * server's own count and the TLS facts the client's session reports.
 */
public final class ConscryptApp {

    public static final int REQUESTS = 5;

    public static void main(String[] args) throws Exception {
        // The server's TCP_NODELAY on, as a server should have it: Nagle's delays are not what this is about.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        SSLContext serverTls = LoopbackTls.serverContext();
        AtomicInteger served = new AtomicInteger();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "hello over conscrypt".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
        int port = server.getAddress().getPort();

        SSLContext clientTls = SSLContext.getInstance("TLS", Conscrypt.newProvider());
        clientTls.init(null, LoopbackTls.trustManagers().getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1).build();
        int answered = 0;
        SSLSession session = null;
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/items/" + i))
                .build(), HttpResponse.BodyHandlers.ofString());
            answered += res.statusCode() == 200 ? 1 : 0;
            session = res.sslSession().orElse(null);
        }
        String engine = clientTls.createSSLEngine().getClass().getName();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdown();
        System.out.println("expect: stack=conscrypt port=" + port + " server.requests=" + served.get() + " client.answered="
            + answered + " tls.protocol=" + (session == null ? null : session.getProtocol()) + " tls.cipher="
            + (session == null ? null : session.getCipherSuite()) + " engine=" + engine);
    }
}
