package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;

/**
 * java.net.http against a server that leaves requests on reused connections unanswered: the
 * client resends a GET once on a new connection (its ConnectionExpiredException retry), but never
 * a POST, which fails to the application instead.
 */
final class JavaHttpClientRetryScenario implements Scenario {

    private final boolean https;

    private JavaHttpClientRetryScenario(boolean https) {
        this.https = https;
    }

    static JavaHttpClientRetryScenario cleartext() {
        return new JavaHttpClientRetryScenario(false);
    }

    /** The same over TLS, which java.net.http encrypts with an SSLEngine. */
    static JavaHttpClientRetryScenario https() {
        return new JavaHttpClientRetryScenario(true);
    }

    @Override
    public String name() {
        return https ? "java-http-client-https-retry" : "java-http-client-retry";
    }

    @Override
    public String description() {
        return "java.net.http resends a GET whose pooled " + (https ? "TLS " : "") + "connection died, and leaves a POST"
            + " to the application";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext tls = https ? LoopbackTls.context() : null;
        try (WireServer server = new WireServer(0, 0, tls)) {
            HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
            HttpClient client = (tls == null ? builder : builder.sslContext(tls)).build();
            URI base = URI.create((https ? "https://localhost:" : "http://127.0.0.1:") + server.port());
            int first = send(client, HttpRequest.newBuilder(base.resolve("/drop-reused/first")).build());
            int get = send(client, HttpRequest.newBuilder(base.resolve("/drop-reused/items")).build());
            String post;
            try {
                post = "status " + send(client, HttpRequest.newBuilder(base.resolve("/drop-reused/orders"))
                    .POST(HttpRequest.BodyPublishers.ofString(RawHttp.POST_BODY)).build());
            } catch (IOException e) {
                post = "failed (" + e.getClass().getSimpleName() + ")";
            }
            out.println("  GET " + first + ", GET on the pooled connection " + get + " (after a resend), POST on the"
                + " pooled connection " + post + "; the server read " + server.requests() + " requests");
            out.println("expect: port=" + server.port() + " server.requests=" + server.requests() + " post="
                + post.replace(' ', '_'));
        }
    }

    private static int send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
