package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;

/**
 * java.net.http over HTTP/1.1: GETs and POSTs share one pooled connection. Over HTTPS both ends
 * encrypt with an SSLEngine (java.net.http, and the JDK's HttpsServer), so the channels carry only
 * ciphertext.
 */
final class JavaHttpClientScenario implements Scenario {

    static final int GETS = 3;
    static final int POSTS = 2;

    private final boolean https;

    private JavaHttpClientScenario(boolean https) {
        this.https = https;
    }

    static JavaHttpClientScenario cleartext() {
        return new JavaHttpClientScenario(false);
    }

    static JavaHttpClientScenario https() {
        return new JavaHttpClientScenario(true);
    }

    @Override
    public String name() {
        return https ? "java-http-client-https" : "java-http-client";
    }

    @Override
    public String description() {
        return GETS + " GETs and " + POSTS + " POSTs with java.net.http, over one pooled HTTP/1.1 "
            + (https ? "TLS connection (SSLEngine at both ends)" : "connection");
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext tls = https ? LoopbackTls.context() : null;
        try (HttpDemoServer server = new HttpDemoServer(tls)) {
            URI uri = server.url("/" + name()).toURI();
            HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
            HttpClient client = (tls == null ? builder : builder.sslContext(tls)).build();
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
