package io.connscope.demo;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** java.net.http over HTTP/1.1: GETs and POSTs share one pooled connection. */
final class JavaHttpClientScenario implements Scenario {

    static final int GETS = 3;
    static final int POSTS = 2;

    @Override
    public String name() {
        return "java-http-client";
    }

    @Override
    public String description() {
        return GETS + " GETs and " + POSTS + " POSTs with java.net.http, over one pooled HTTP/1.1 connection";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (HttpDemoServer server = new HttpDemoServer()) {
            URI uri = server.url("/java-http-client").toURI();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < GETS + POSTS; i++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri);
                if (i >= GETS) {
                    request.POST(HttpRequest.BodyPublishers.ofString("order=" + i));
                }
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("status " + response.statusCode());
                }
            }
            out.println("  " + (GETS + POSTS) + " requests answered; the server saw " + server.requests());
            out.println("expect: client.connections=1 exchanges=" + (GETS + POSTS) + " posts=" + POSTS
                + " port=" + uri.getPort());
        }
    }
}
