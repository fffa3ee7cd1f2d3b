package io.connscope.stacks.conformance;

import io.connscope.testsupport.LoopbackTls;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.TrustOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.RequestBody;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The clients of the conformance runs, each used as its documentation shows for ordinary keep-alive
 * traffic: one client object per session, each response read in full, the client closed at the end
 * (or, where it has no close, left to the JVM's exit).
 */
final class ConformanceClients {

    /** The request body the clients POST. */
    static final String POSTED = "{\"item\":42}";

    private ConformanceClients() {
    }

    /** One client library. */
    interface Client {
        String name();

        /** A client object of the library, for a run of requests; over TLS when {@code tls}, trusting the fixtures' certificate. */
        Session open(boolean tls) throws Exception;
    }

    /** A client object: its requests share its connection pool. */
    interface Session extends AutoCloseable {
        /** Sends a GET, or a POST of {@link #POSTED}, and returns the response body, read in full. */
        byte[] send(URI uri, boolean post) throws Exception;
    }

    static List<Client> all() {
        return Arrays.asList(
            client("HttpURLConnection", ConformanceClients::httpUrlConnection),
            client("java.net.http", ConformanceClients::javaNetHttp),
            client("OkHttp", ConformanceClients::okHttp),
            client("Apache HttpClient 5", ConformanceClients::apache),
            client("Jetty HttpClient", ConformanceClients::jetty),
            client("Apache HttpClient 5 async", ConformanceClients::apacheAsync),
            client("Netty", ConformanceNetty::client),
            client("Vert.x", ConformanceClients::vertx));
    }

    /**
     * The clients of HTTP/2 in clear (h2c), for servers that speak it beside HTTP/1.1: each the way its
     * documentation turns HTTP/2 on, so prior knowledge for all but java.net.http, which upgrades.
     */
    static List<Client> h2c() {
        return Arrays.asList(
            client("java.net.http h2c", tls -> javaNetHttp(HttpClient.Version.HTTP_2)),
            client("OkHttp h2c", tls -> okHttp(new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)))),
            client("Apache HttpClient 5 async h2c", tls -> apacheAsync(HttpAsyncClients.createHttp2Default())),
            client("Jetty HttpClient h2c", tls -> jetty(new org.eclipse.jetty.client.HttpClient(
                new HttpClientTransportOverHTTP2(new HTTP2Client())))));
    }

    /** Its keep-alive cache keeps connections until the JVM exits. */
    private static Session httpUrlConnection(boolean tls) throws Exception {
        SSLSocketFactory sockets = tls ? LoopbackTls.clientContext().getSocketFactory() : null;
        return session((uri, post) -> {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            if (c instanceof HttpsURLConnection) {
                ((HttpsURLConnection) c).setSSLSocketFactory(sockets);
            }
            if (post) {
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(POSTED.getBytes(StandardCharsets.US_ASCII));
                }
            }
            try (InputStream in = c.getInputStream()) {
                return in.readAllBytes();
            }
        }, () -> { });
    }

    /** HttpClient.close() is JDK 21+: its connections stay pooled until the JVM exits. */
    private static Session javaNetHttp(boolean tls) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (tls) {
            builder.sslContext(LoopbackTls.clientContext());
        }
        return javaNetHttp(builder.build());
    }

    private static Session javaNetHttp(HttpClient.Version version) {
        return javaNetHttp(HttpClient.newBuilder().version(version).build());
    }

    private static Session javaNetHttp(HttpClient client) {
        return session((uri, post) -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri);
            if (post) {
                b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(POSTED));
            }
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        }, () -> { });
    }

    private static Session okHttp(boolean tls) throws Exception {
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        if (tls) {
            builder.sslSocketFactory(LoopbackTls.clientContext().getSocketFactory(), LoopbackTls.trustManager());
        }
        return okHttp(builder);
    }

    private static Session okHttp(OkHttpClient.Builder builder) {
        OkHttpClient client = builder.build();
        return session((uri, post) -> {
            okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(uri.toString());
            if (post) {
                b.post(RequestBody.create(POSTED, MediaType.get("application/json")));
            }
            try (okhttp3.Response r = client.newCall(b.build()).execute()) {
                return r.body().bytes();
            }
        }, () -> {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        });
    }

    private static Session apache(boolean tls) throws Exception {
        CloseableHttpClient client = !tls ? HttpClients.createDefault() : HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(ClientTlsStrategyBuilder.create().setSslContext(LoopbackTls.clientContext()).buildClassic())
                .build())
            .build();
        return session((uri, post) -> {
            ClassicHttpRequest request;
            if (post) {
                HttpPost p = new HttpPost(uri);
                p.setEntity(new StringEntity(POSTED, ContentType.APPLICATION_JSON));
                request = p;
            } else {
                request = new HttpGet(uri);
            }
            return client.execute(request, response -> EntityUtils.toByteArray(response.getEntity()));
        }, client::close);
    }

    private static Session jetty(boolean tls) throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
        if (tls) {
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            ssl.setSslContext(LoopbackTls.clientContext());
            client.setSslContextFactory(ssl);
        }
        return jetty(client);
    }

    private static Session jetty(org.eclipse.jetty.client.HttpClient client) throws Exception {
        client.start();
        return session((uri, post) -> {
            org.eclipse.jetty.client.Request request = client.newRequest(uri);
            if (post) {
                request.method("POST").body(new StringRequestContent("application/json", POSTED));
            }
            return request.send().getContent();
        }, client::stop);
    }

    /** The async client at its defaults (HTTP/1.1 in clear; over TLS it offers h2 and http/1.1 by ALPN). */
    private static Session apacheAsync(boolean tls) throws Exception {
        return apacheAsync(!tls ? HttpAsyncClients.createDefault() : HttpAsyncClients.custom()
            .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(LoopbackTls.clientContext()).buildAsync())
                .build())
            .build());
    }

    private static Session apacheAsync(CloseableHttpAsyncClient client) {
        client.start();
        return session((uri, post) -> {
            SimpleHttpRequest request = post
                ? SimpleRequestBuilder.post(uri).setBody(POSTED, ContentType.APPLICATION_JSON).build()
                : SimpleRequestBuilder.get(uri).build();
            return client.execute(request, null).get(10, TimeUnit.SECONDS).getBodyBytes();
        }, () -> client.close(CloseMode.GRACEFUL));
    }

    /**
     * Vert.x 5's client, its native transport preferred, each request started on a Vert.x context and
     * awaited by the caller. Started from the caller's own thread instead, a response now and then never
     * completes (1 in 600 requests, without connscope too): Vert.x wants its API used from its contexts.
     */
    private static Session vertx(boolean tls) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        HttpClientOptions options = new HttpClientOptions();
        if (tls) {
            options.setSsl(true).setTrustOptions(TrustOptions.wrap(LoopbackTls.trustManager()));
        }
        HttpClientAgent client = vertx.createHttpClient(options);
        Context context = vertx.getOrCreateContext();
        return session((uri, post) -> {
            CompletableFuture<Buffer> body = new CompletableFuture<>();
            context.runOnContext(v -> client.request(post ? HttpMethod.POST : HttpMethod.GET, uri.getPort(), uri.getHost(),
                    uri.getRawPath())
                .compose(req -> post ? req.putHeader("Content-Type", "application/json").send(POSTED) : req.send())
                .compose(HttpClientResponse::body)
                .onComplete(r -> {
                    if (r.succeeded()) {
                        body.complete(r.result());
                    } else {
                        body.completeExceptionally(r.cause());
                    }
                }));
            return body.get(10, TimeUnit.SECONDS).getBytes();
        }, () -> {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        });
    }

    private interface Send {
        byte[] send(URI uri, boolean post) throws Exception;
    }

    private interface Close {
        void close() throws Exception;
    }

    private interface Open {
        Session open(boolean tls) throws Exception;
    }

    private static Session session(Send send, Close close) {
        return new Session() {
            @Override
            public byte[] send(URI uri, boolean post) throws Exception {
                return send.send(uri, post);
            }

            @Override
            public void close() throws Exception {
                close.close();
            }
        };
    }

    private static Client client(String name, Open open) {
        return new Client() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Session open(boolean tls) throws Exception {
                return open.open(tls);
            }
        };
    }
}
