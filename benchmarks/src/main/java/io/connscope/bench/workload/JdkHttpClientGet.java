package io.connscope.bench.workload;

import io.connscope.testsupport.LoopbackTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;

/**
 * java.net.http GETs over HTTP/1.1 on the client's connection pool; over HTTPS both ends encrypt
 * with an SSLEngine, whose plaintext connscope reads.
 */
final class JdkHttpClientGet implements Workload {

    private final LoopbackHttpServer server;
    private final HttpClient client;
    private final HttpRequest request;

    JdkHttpClientGet(boolean https) throws Exception {
        SSLContext tls = https ? LoopbackTls.context() : null;
        server = new LoopbackHttpServer(tls);
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        client = (tls == null ? builder : builder.sslContext(tls)).build();
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
