package io.connscope.bench.workload;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** java.net.http GETs over HTTP/1.1 on the client's connection pool. */
final class JdkHttpClientGet implements Workload {

    private final LoopbackHttpServer server = new LoopbackHttpServer();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpRequest request;

    JdkHttpClientGet() throws IOException {
        request = HttpRequest.newBuilder(URI.create(server.url("/get"))).GET().build();
    }

    @Override
    public void request() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("status " + response.statusCode());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
