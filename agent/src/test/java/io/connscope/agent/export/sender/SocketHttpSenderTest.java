package io.connscope.agent.export.sender;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.testsupport.LoopbackTls;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender against a real loopback server that answers as scripted. */
class SocketHttpSenderTest {

    private static final byte[] PAYLOAD = "spans".getBytes(StandardCharsets.US_ASCII);

    /** What the server does with its n-th request (from 0). */
    private interface Script {
        String answer(int request);
    }

    private static final String CLOSE = "close the connection after the answer";
    private static final String SILENT = "never answer";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;
    private SocketHttpSender sender;

    @AfterEach
    void stop() throws Exception {
        if (sender != null) {
            sender.shutdown().join(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendsPostsOnOneKeptAliveConnection() throws Exception {
        serve(n -> ok(n));
        sender = new SocketHttpSender(config(null, Map.of("Authorization", List.of("Bearer t")), Duration.ofSeconds(5)));
        for (int i = 0; i < 3; i++) {
            assertThat(send().getStatusCode()).isEqualTo(200);
        }
        assertThat(connections).hasValue(1);
        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r)
            .startsWith("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n")
            .contains("Content-Type: application/x-protobuf\r\n", "Content-Length: 5\r\n", "Authorization: Bearer t\r\n")
            .endsWith("\r\n\r\nspans"));
    }

    @Test
    void compressesTheBodyAsTheExporterAsks() throws Exception {
        serve(n -> ok(n));
        sender = new SocketHttpSender(config(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/traces"), null,
            null, Map.of(), Duration.ofSeconds(5), gzip()));
        assertThat(send().getStatusCode()).isEqualTo(200);
        String request = requests.get(0);
        assertThat(request).contains("Content-Encoding: gzip\r\n");
        byte[] body = request.substring(request.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            assertThat(in.readAllBytes()).isEqualTo(PAYLOAD);
        }
    }

    private static Compressor gzip() {
        return new Compressor() {
            @Override
            public String getEncoding() {
                return "gzip";
            }

            @Override
            public OutputStream compress(OutputStream out) throws IOException {
                return new GZIPOutputStream(out);
            }
        };
    }

    @Test
    void retriesRetryableStatusesWithThePolicy() throws Exception {
        serve(n -> n < 2 ? "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n" : ok(n));
        sender = new SocketHttpSender(config(retry(3), Map.of(), Duration.ofSeconds(5)));
        assertThat(send().getStatusCode()).isEqualTo(200);
        assertThat(requests).hasSize(3);
    }

    @Test
    void givesTheLastAnswerWhenAttemptsRunOut() throws Exception {
        serve(n -> "HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy");
        sender = new SocketHttpSender(config(retry(2), Map.of(), Duration.ofSeconds(5)));
        HttpResponse r = send();
        assertThat(r.getStatusCode()).isEqualTo(503);
        assertThat(new String(r.getResponseBody(), StandardCharsets.US_ASCII)).isEqualTo("busy");
        assertThat(requests).hasSize(2);
    }

    @Test
    void aConnectionTheCollectorClosedWhileIdleIsReplacedWithoutSendingTwice() throws Exception {
        // The server closes after each answer without saying so: the next export finds a dead connection.
        serve(n -> CLOSE + ok(n));
        sender = new SocketHttpSender(config(null, Map.of(), Duration.ofSeconds(5)));
        assertThat(send().getStatusCode()).isEqualTo(200);
        Thread.sleep(100);
        assertThat(send().getStatusCode()).isEqualTo(200);
        assertThat(requests).hasSize(2);
        assertThat(connections).hasValue(2);
    }

    @Test
    void aCollectorThatNeverAnswersTimesOut() throws Exception {
        serve(n -> SILENT);
        sender = new SocketHttpSender(config(null, Map.of(), Duration.ofMillis(300)));
        long start = System.nanoTime();
        Throwable failure = sendExpectingFailure();
        assertThat(failure).isInstanceOf(SocketTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 3000L);
    }

    @Test
    void anAbsentCollectorIsAConnectFailure() throws Exception {
        serve(n -> ok(n));
        server.close();
        sender = new SocketHttpSender(config(retry(2), Map.of(), Duration.ofSeconds(5)));
        assertThat(sendExpectingFailure()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aHeaderThatWouldSplitTheRequestIsRefused() throws Exception {
        serve(n -> ok(n));
        sender = new SocketHttpSender(config(null, Map.of("X-Evil", List.of("a\r\nX-Injected: 1")), Duration.ofSeconds(5)));
        assertThat(sendExpectingFailure()).isInstanceOf(IOException.class).hasMessageContaining("X-Evil");
        assertThat(requests).isEmpty();
    }

    @Test
    void sendsFromAThreadOfTheGroupThatBuiltIt() throws Exception {
        serve(n -> ok(n));
        ThreadGroup group = new ThreadGroup("connscope-test");
        CompletableFuture<SocketHttpSender> built = new CompletableFuture<>();
        Thread builder = new Thread(group, () -> built.complete(new SocketHttpSender(config(null, Map.of(), Duration.ofSeconds(5)))));
        builder.start();
        sender = built.get(5, TimeUnit.SECONDS);
        CompletableFuture<ThreadGroup> sentFrom = new CompletableFuture<>();
        sender.send(writer(), r -> sentFrom.complete(Thread.currentThread().getThreadGroup()), sentFrom::completeExceptionally);
        assertThat(sentFrom.get(5, TimeUnit.SECONDS)).isSameAs(group);
    }

    @Test
    void sendsOverTlsCheckingTheCollectorsName() throws Exception {
        SSLContext tls = LoopbackTls.context(); // a certificate for localhost and 127.0.0.1
        serve(n -> ok(n), tls, InetAddress.getLoopbackAddress());
        sender = new SocketHttpSender(config(URI.create("https://localhost:" + server.getLocalPort() + "/v1/logs"), tls,
            retry(3), Map.of(), Duration.ofSeconds(5)));
        assertThat(send().getStatusCode()).isEqualTo(200);
        assertThat(send().getStatusCode()).isEqualTo(200);
        assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r).startsWith("POST /v1/logs HTTP/1.1\r\nHost: localhost:"));
        assertThat(connections).hasValue(1);
    }

    @Test
    void aCollectorWhoseCertificateNamesAnotherHostIsRefusedWithoutRetrying() throws Exception {
        SSLContext tls = LoopbackTls.context(); // a certificate for localhost and 127.0.0.1
        InetAddress other = InetAddress.getByName("127.0.0.2"); // loopback too, but not in the certificate
        serve(n -> ok(n), tls, other);
        sender = new SocketHttpSender(config(URI.create("https://127.0.0.2:" + server.getLocalPort() + "/v1/logs"), tls,
            retry(3), Map.of(), Duration.ofSeconds(5)));
        assertThat(sendExpectingFailure()).isInstanceOf(javax.net.ssl.SSLException.class);
        assertThat(requests).isEmpty();
        assertThat(connections).hasValue(1);
    }

    private HttpResponse send() throws Exception {
        CompletableFuture<HttpResponse> result = new CompletableFuture<>();
        sender.send(writer(), result::complete, result::completeExceptionally);
        return result.get(10, TimeUnit.SECONDS);
    }

    private Throwable sendExpectingFailure() throws Exception {
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        sender.send(writer(), r -> result.completeExceptionally(new AssertionError("answered " + r.getStatusCode())),
            result::complete);
        return result.get(10, TimeUnit.SECONDS);
    }

    private static String ok(int n) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";
    }

    private void serve(Script script) throws IOException {
        serve(script, null, InetAddress.getLoopbackAddress());
    }

    private void serve(Script script, SSLContext tls, InetAddress address) throws IOException {
        server = tls == null ? new ServerSocket(0, 50, address) : tls.getServerSocketFactory().createServerSocket(0, 50, address);
        AtomicInteger count = new AtomicInteger();
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        String request = readRequest(in);
                        if (request == null) {
                            break;
                        }
                        requests.add(request);
                        String answer = script.answer(count.getAndIncrement());
                        if (answer.equals(SILENT)) {
                            in.readAllBytes();
                            break;
                        }
                        boolean close = answer.startsWith(CLOSE);
                        out.write(answer.substring(close ? CLOSE.length() : 0).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        if (close) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    // the client went away, or the server was closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** The request head and its Content-Length body, or null at the end of the connection. */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.append((char) c);
        }
        int length = Integer.parseInt(head.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static RetryPolicy retry(int attempts) {
        return RetryPolicy.builder().setMaxAttempts(attempts).setInitialBackoff(Duration.ofMillis(10)).build();
    }

    private static MessageWriter writer() {
        return new MessageWriter() {
            @Override
            public void writeMessage(OutputStream out) throws IOException {
                out.write(PAYLOAD);
            }

            @Override
            public int getContentLength() {
                return PAYLOAD.length;
            }
        };
    }

    private HttpSenderConfig config(RetryPolicy retry, Map<String, List<String>> headers, Duration timeout) {
        return config(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/traces"), null, retry, headers, timeout);
    }

    private HttpSenderConfig config(URI endpoint, SSLContext tls, RetryPolicy retry, Map<String, List<String>> headers,
                                    Duration timeout) {
        return config(endpoint, tls, retry, headers, timeout, null);
    }

    private HttpSenderConfig config(URI endpoint, SSLContext tls, RetryPolicy retry, Map<String, List<String>> headers,
                                    Duration timeout, Compressor compressor) {
        return new HttpSenderConfig() {
            @Override
            public URI getEndpoint() {
                return endpoint;
            }

            @Override
            public String getContentType() {
                return "application/x-protobuf";
            }

            @Override
            public Compressor getCompressor() {
                return compressor;
            }

            @Override
            public Duration getTimeout() {
                return timeout;
            }

            @Override
            public Duration getConnectTimeout() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Supplier<Map<String, List<String>>> getHeadersSupplier() {
                return () -> headers;
            }

            @Override
            public ProxyOptions getProxyOptions() {
                return null;
            }

            @Override
            public RetryPolicy getRetryPolicy() {
                return retry;
            }

            @Override
            public SSLContext getSslContext() {
                return tls;
            }

            @Override
            public X509TrustManager getTrustManager() {
                return null;
            }

            @Override
            public ExecutorService getExecutorService() {
                return null;
            }
        };
    }
}
