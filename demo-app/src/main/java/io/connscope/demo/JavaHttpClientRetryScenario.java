package io.connscope.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * java.net.http against a server that leaves requests on reused connections unanswered: the
 * client resends a GET once on a new connection (its ConnectionExpiredException retry), but never
 * a POST, which fails to the application instead.
 */
final class JavaHttpClientRetryScenario implements Scenario {

    @Override
    public String name() {
        return "java-http-client-retry";
    }

    @Override
    public String description() {
        return "java.net.http resends a GET whose pooled connection died, and leaves a POST to the application";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (WireServer server = new WireServer(0, 0)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://127.0.0.1:" + server.port());
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
