package io.connscope.agent.export.sender;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends OTLP/HTTP requests over a plain {@link java.net.Socket} (or {@code SSLSocket}), one at a
 * time on its own thread, on a kept-alive connection, with the exporter's retry policy. It does what
 * the SDK's java.net.http sender does, through APIs no other agent instruments.
 */
final class SocketHttpSender implements HttpSender {

    /** The statuses OTLP says to retry. */
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);
    private static final Set<String> OWN_HEADERS = Set.of("host", "content-length", "content-type", "content-encoding",
        "connection", "transfer-encoding");

    private final String host;
    private final int port;
    private final String hostHeader;
    private final String target;
    private final SSLSocketFactory tls;
    private final String contentType;
    private final Compressor compressor;
    private final long timeoutNanos;
    private final long connectTimeoutMillis;
    private final Supplier<Map<String, List<String>>> headers;
    private final RetryPolicy retry;
    private final long maxResponseBody;
    private final ExecutorService executor;
    private final boolean ownExecutor;
    /** The kept-alive connection; used only by the executor's thread. */
    private PostConnection connection;

    SocketHttpSender(HttpSenderConfig config) {
        URI endpoint = config.getEndpoint();
        String scheme = String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("OTLP endpoint must be http:// or https://, not " + endpoint);
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("OTLP endpoint has no host: " + endpoint);
        }
        if (config.getProxyOptions() != null) {
            throw new IllegalArgumentException("connscope's OTLP sender does not go through a proxy");
        }
        boolean https = scheme.equals("https");
        String uriHost = endpoint.getHost();
        host = uriHost.startsWith("[") ? uriHost.substring(1, uriHost.length() - 1) : uriHost;
        port = endpoint.getPort() > 0 ? endpoint.getPort() : https ? 443 : 80;
        hostHeader = endpoint.getPort() > 0 ? uriHost + ":" + endpoint.getPort() : uriHost;
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        target = endpoint.getRawQuery() == null ? path : path + "?" + endpoint.getRawQuery();
        tls = !https ? null : config.getSslContext() != null ? config.getSslContext().getSocketFactory()
            : (SSLSocketFactory) SSLSocketFactory.getDefault();
        contentType = config.getContentType();
        compressor = config.getCompressor();
        timeoutNanos = config.getTimeout().toNanos();
        connectTimeoutMillis = Math.max(1, config.getConnectTimeout().toMillis());
        headers = config.getHeadersSupplier();
        retry = config.getRetryPolicy();
        maxResponseBody = config.getMaxResponseBodySize();
        ownExecutor = config.getExecutorService() == null;
        // Built on connscope's export thread: the sending thread joins connscope's thread group, whose
        // connections connscope never tracks.
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        executor = ownExecutor ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(group, r, "connscope-otlp-sender");
            t.setDaemon(true);
            return t;
        }) : config.getExecutorService();
    }

    @Override
    public void send(MessageWriter message, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        try {
            executor.execute(() -> {
                HttpResponse response;
                try {
                    response = sendWithRetries(message);
                } catch (IOException | RuntimeException e) {
                    onError.accept(e);
                    return;
                }
                onResponse.accept(response);
            });
        } catch (RejectedExecutionException e) {
            onError.accept(e);
        }
    }

    private HttpResponse sendWithRetries(MessageWriter message) throws IOException {
        byte[] body = encode(message);
        long backoffNanos = retry == null ? 0 : retry.getInitialBackoff().toNanos();
        for (int attempt = 1; ; attempt++) {
            PostResponse response = null;
            IOException failure = null;
            try {
                response = sendOnce(body);
            } catch (IOException e) {
                failure = e;
            }
            boolean again = retry != null && attempt < retry.getMaxAttempts()
                && (response != null ? RETRYABLE_STATUS.contains(response.getStatusCode()) : retryable(failure));
            if (!again) {
                if (response != null) {
                    return response;
                }
                throw failure;
            }
            sleep((long) (backoffNanos * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
            backoffNanos = Math.min((long) (backoffNanos * retry.getBackoffMultiplier()), retry.getMaxBackoff().toNanos());
        }
    }

    private boolean retryable(IOException e) {
        Predicate<IOException> predicate = retry.getRetryExceptionPredicate();
        if (predicate != null) {
            return predicate.test(e);
        }
        return !(e instanceof SSLException) && !(e instanceof ResponseReader.ResponseTooLargeException);
    }

    /** One attempt: on the kept-alive connection, or on a new one when the collector had closed that. */
    private PostResponse sendOnce(byte[] body) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        byte[] head = head(body.length);
        if (connection != null && !connection.usable()) {
            closeConnection();
        }
        if (connection != null) {
            try {
                return kept(connection.post(head, body, deadline, maxResponseBody));
            } catch (PostConnection.StaleConnectionException e) {
                closeConnection(); // nothing was answered: once more, on a new connection
            } catch (IOException e) {
                closeConnection();
                throw e;
            }
        }
        connection = PostConnection.open(host, port, tls, connectTimeoutMillis, deadline);
        try {
            return kept(connection.post(head, body, deadline, maxResponseBody));
        } catch (IOException e) {
            closeConnection();
            throw e;
        }
    }

    private PostResponse kept(PostResponse response) {
        if (!connection.reusable()) {
            closeConnection();
        }
        return response;
    }

    private byte[] head(int contentLength) throws IOException {
        StringBuilder b = new StringBuilder(256).append("POST ").append(target).append(" HTTP/1.1\r\n")
            .append("Host: ").append(hostHeader).append("\r\n")
            .append("Content-Type: ").append(contentType).append("\r\n")
            .append("Content-Length: ").append(contentLength).append("\r\n");
        if (compressor != null) {
            b.append("Content-Encoding: ").append(compressor.getEncoding()).append("\r\n");
        }
        Map<String, List<String>> extra = headers == null ? null : headers.get();
        if (extra != null) {
            for (Map.Entry<String, List<String>> h : extra.entrySet()) {
                if (OWN_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                for (String value : h.getValue()) {
                    if (!isToken(h.getKey()) || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                        throw new IOException("OTLP header '" + h.getKey() + "' has a character HTTP does not allow");
                    }
                    b.append(h.getKey()).append(": ").append(value).append("\r\n");
                }
            }
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private byte[] encode(MessageWriter message) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(Math.max(32, message.getContentLength()));
        if (compressor == null) {
            message.writeMessage(buffer);
        } else {
            try (OutputStream compressed = compressor.compress(buffer)) {
                message.writeMessage(compressed);
            }
        }
        return buffer.toByteArray();
    }

    private static void sleep(long nanos) throws InterruptedIOException {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between export attempts");
        }
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    @Override
    public CompletableResultCode shutdown() {
        CompletableResultCode done = new CompletableResultCode();
        try {
            // After the exports already queued.
            executor.execute(() -> {
                closeConnection();
                done.succeed();
            });
        } catch (RejectedExecutionException e) {
            done.succeed();
        }
        if (ownExecutor) {
            executor.shutdown();
        }
        return done;
    }
}
