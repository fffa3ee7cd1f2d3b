package io.connscope.demo;

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
 *   <li>anything else: 200 with a short body (a request body is read first).</li>
 * </ul>
 */
final class Http2DemoServer implements AutoCloseable {

    static final int HELD = 4;
    static final int SLOW_MILLIS = 200;
    /** The server's SETTINGS_MAX_CONCURRENT_STREAMS. */
    static final int MAX_CONCURRENT_STREAMS = 50;
    static final byte[] BODY = "hello over HTTP/2\n".getBytes(StandardCharsets.US_ASCII);

    private final Server server = new Server();
    private final ServerConnector connector;
    private final CountDownLatch held = new CountDownLatch(HELD);
    private final AtomicInteger requests = new AtomicInteger();

    /** Over TLS with ALPN when {@code tls} is given, else cleartext h2c. */
    Http2DemoServer(SSLContext tls) throws Exception {
        this(tls, MAX_CONCURRENT_STREAMS);
    }

    /** With this SETTINGS_MAX_CONCURRENT_STREAMS. */
    Http2DemoServer(SSLContext tls, int maxConcurrentStreams) throws Exception {
        HttpConfiguration config = new HttpConfiguration();
        HttpConnectionFactory http1 = new HttpConnectionFactory(config);
        if (tls == null) {
            HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
            h2c.setMaxConcurrentStreams(maxConcurrentStreams);
            connector = new ServerConnector(server, 1, 1, http1, h2c);
        } else {
            config.addCustomizer(new SecureRequestCustomizer());
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
            h2.setMaxConcurrentStreams(maxConcurrentStreams);
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
                Content.Source.consumeAll(request);
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
