package io.connscope.demo;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.SessionContainer;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.WindowRateControl;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's HTTP/2 server on loopback: over TLS it offers h2 and http/1.1 by ALPN; in cleartext it
 * takes h2c both by upgrade and by prior knowledge. What it does is chosen by the request path:
 * <ul>
 *   <li>{@code /hold…}: waits until {@link #HELD} such requests are in, then answers them all, so
 *       that exactly that many streams are open at once;</li>
 *   <li>{@code /reset}: starts a response, then fails it: Jetty resets the stream;</li>
 *   <li>{@code /slow…}: answers after {@link #SLOW_MILLIS};</li>
 *   <li>{@code /slow-read}: reads the request body pausing {@link #READ_PAUSE_MILLIS} after each
 *       {@link #READ_PAUSE_EVERY} bytes, and counts its pauses: a receiver slower than its sender;</li>
 *   <li>{@code /rapid-reset}: answers after {@link #SLOW_MILLIS}, unless the client reset it first;</li>
 *   <li>anything else: 200 with a short body (a request body is read first).</li>
 * </ul>
 */
final class Http2DemoServer implements AutoCloseable {

    static final int HELD = 4;
    static final int SLOW_MILLIS = 200;
    /** The server's SETTINGS_MAX_CONCURRENT_STREAMS. */
    static final int MAX_CONCURRENT_STREAMS = 50;
    static final byte[] BODY = "hello over HTTP/2\n".getBytes(StandardCharsets.US_ASCII);
    static final int READ_PAUSE_MILLIS = 150;
    static final int READ_PAUSE_EVERY = 16 * 1024;

    private final Server server = new Server();
    private final ServerConnector connector;
    private final CountDownLatch held = new CountDownLatch(HELD);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger readPauses = new AtomicInteger();

    /** Over TLS with ALPN when {@code tls} is given, else cleartext h2c. */
    Http2DemoServer(SSLContext tls) throws Exception {
        this(tls, MAX_CONCURRENT_STREAMS);
    }

    /** With this SETTINGS_MAX_CONCURRENT_STREAMS. */
    Http2DemoServer(SSLContext tls, int maxConcurrentStreams) throws Exception {
        this(tls, maxConcurrentStreams, 0, 0);
    }

    /**
     * With this SETTINGS_MAX_CONCURRENT_STREAMS; above 0, this SETTINGS_INITIAL_WINDOW_SIZE for each
     * stream, and this many suspicious events a second (stream resets among them) before Jetty ends a
     * session with ENHANCE_YOUR_CALM (128 by default: a server with a higher bound, as before the
     * rapid-reset fixes of October 2023, lets a client reset streams in bulk).
     */
    Http2DemoServer(SSLContext tls, int maxConcurrentStreams, int streamWindow, int eventsPerSecond) throws Exception {
        HttpConfiguration config = new HttpConfiguration();
        HttpConnectionFactory http1 = new HttpConnectionFactory(config);
        if (tls == null) {
            HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
            limits(h2c, maxConcurrentStreams, streamWindow, eventsPerSecond);
            connector = new ServerConnector(server, 1, 1, http1, h2c);
        } else {
            config.addCustomizer(new SecureRequestCustomizer());
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
            limits(h2, maxConcurrentStreams, streamWindow, eventsPerSecond);
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol("http/1.1");
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls);
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2,
                http1);
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        DemoPorts.bind(channel);
        connector.open(channel);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                requests.incrementAndGet();
                String path = Request.getPathInContext(request);
                if (path.equals("/slow-read")) {
                    readSlowly(request);
                } else {
                    Content.Source.consumeAll(request);
                }
                if (path.equals("/rapid-reset")) {
                    Thread.sleep(SLOW_MILLIS);
                }
                if (path.startsWith("/hold")) {
                    held.countDown();
                    held.await(10, TimeUnit.SECONDS);
                }
                if (path.startsWith("/slow")) {
                    Thread.sleep(SLOW_MILLIS);
                }
                if (path.equals("/reset")) {
                    response.write(false, ByteBuffer.wrap(BODY), Callback.from(
                        () -> callback.failed(new IllegalStateException("the demo abandons this response")),
                        callback::failed));
                    return true;
                }
                response.getHeaders().put("content-type", "text/plain");
                response.write(true, ByteBuffer.wrap(BODY), callback);
                return true;
            }
        });
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    private static void limits(AbstractHTTP2ServerConnectionFactory h2, int maxConcurrentStreams, int streamWindow,
                               int eventsPerSecond) {
        h2.setMaxConcurrentStreams(maxConcurrentStreams);
        if (streamWindow > 0) {
            h2.setInitialStreamRecvWindow(streamWindow);
        }
        if (eventsPerSecond > 0) {
            h2.setRateControlFactory(new WindowRateControl.Factory(eventsPerSecond));
        }
    }

    /** Reads the body, pausing after every {@link #READ_PAUSE_EVERY} bytes: the WINDOW_UPDATEs wait for the reads. */
    private void readSlowly(Request request) throws Exception {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] buffer = new byte[4096];
            long sincePause = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sincePause += n;
                if (sincePause >= READ_PAUSE_EVERY) {
                    sincePause = 0;
                    readPauses.incrementAndGet();
                    Thread.sleep(READ_PAUSE_MILLIS);
                }
            }
        }
    }

    /** Pauses {@code /slow-read} made, each {@link #READ_PAUSE_MILLIS}. */
    int readPauses() {
        return readPauses.get();
    }

    int requests() {
        return requests.get();
    }

    /**
     * Closes every HTTP/2 session with a GOAWAY (NO_ERROR, the last stream it took), waits until each
     * GOAWAY is written, then stops. {@code Server.stop()} alone also sends one, but races it against
     * closing the socket, so now and then the GOAWAY never reached the wire.
     */
    @Override
    public void close() throws Exception {
        List<FutureCallback> written = new ArrayList<>();
        for (ConnectionFactory factory : connector.getConnectionFactories()) {
            SessionContainer sessions = factory instanceof AbstractHTTP2ServerConnectionFactory
                ? ((AbstractHTTP2ServerConnectionFactory) factory).getBean(SessionContainer.class) : null;
            if (sessions != null) {
                for (Session session : sessions.getSessions()) {
                    FutureCallback done = new FutureCallback();
                    session.close(ErrorCode.NO_ERROR.code, "stop", done);
                    written.add(done);
                }
            }
        }
        for (FutureCallback done : written) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // A session its client was closing meanwhile: there is no GOAWAY to wait for.
            }
        }
        server.stop();
    }
}
