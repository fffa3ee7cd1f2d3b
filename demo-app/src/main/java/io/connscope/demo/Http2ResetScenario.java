package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * java.net.http over HTTP/2 against a server that resets streams: a POST it refuses before processing
 * (REFUSED_STREAM, safe to retry) and a POST it processes and then resets (INTERNAL_ERROR, which says
 * nothing about whether it ran: unsafe to retry), beside a GET it answers.
 */
final class Http2ResetScenario implements Scenario {

    @Override
    public String name() {
        return "http2-resets";
    }

    @Override
    public String description() {
        return "java.net.http over HTTP/2: a POST the server refuses (REFUSED_STREAM) and one it processes, then resets";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        int port;
        String busy;
        String crash;
        int refused;
        int processed;
        try (Http2ResetServer server = new Http2ResetServer()) {
            port = server.port();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(LoopbackTls.context())
                .build();
            URI base = URI.create("https://localhost:" + port);
            HttpResponse<String> first = client.send(HttpRequest.newBuilder(base.resolve("/first")).build(),
                HttpResponse.BodyHandlers.ofString());
            out.println("  GET /first: " + first.statusCode() + " over " + first.version());
            busy = outcome(client, base.resolve("/busy/orders"));
            out.println("  POST /busy/orders: " + busy + " (the server refused the stream)");
            crash = outcome(client, base.resolve("/crash/orders"));
            out.println("  POST /crash/orders: " + crash + " (the server processed it, then reset the stream)");
            refused = server.refused();
            processed = server.processed();
        }
        out.println("expect: scenario.http2=" + name() + " port=" + port + " server.refused=" + refused
            + " server.processed=" + processed + " busy=" + busy + " crash=" + crash);
    }

    /** "status_N", or "failed" when the client's send threw. */
    private static String outcome(HttpClient client, URI uri) throws InterruptedException {
        try {
            return "status_" + client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("item=42"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return "failed";
        }
    }
}
