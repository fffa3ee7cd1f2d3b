package io.connscope.stacks.conformance;

import com.sun.net.httpserver.HttpServer;
import io.connscope.testsupport.LoopbackTls;
import io.undertow.Undertow;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The servers of the conformance runs, each at its defaults on a loopback port, each answering every
 * request with {@link #body} after reading the request's body in full, and counting what it answered:
 * that count is the truth the tests hold connscope's to.
 */
final class ConformanceServers {

    private ConformanceServers() {
    }

    /** A running server. */
    abstract static class Running implements AutoCloseable {
        final String name;
        final AtomicInteger requests = new AtomicInteger();
        /** Requests answered, by path. */
        final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        int port;
        /** Serves HTTPS, with the fixtures' certificate. */
        boolean tls;
        /** Speaks HTTP/2 in clear (h2c) beside HTTP/1.1. */
        boolean h2c;

        Running(String name) {
            this.name = name;
        }

        /** Counts a request to {@code path} and gives its answer. */
        byte[] answer(String path) {
            requests.incrementAndGet();
            handled.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            return body(path);
        }
    }

    /** What a server answers to {@code path}: the same from every server, so the clients can check it. */
    static byte[] body(String path) {
        return ("answer to " + path + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    static List<Running> startAll() throws Exception {
        List<Running> all = new ArrayList<>();
        all.add(jetty(false));
        all.add(jetty(true));
        all.add(jettyH2c());
        all.add(tomcat("tomcat"));
        all.add(undertow());
        all.add(jdk());
        all.add(mockWebServer());
        all.add(ConformanceNetty.server());
        return all;
    }

    /** Jetty 12's core server, HTTP/1.1, in clear or over TLS. */
    static Running jetty(boolean tls) throws Exception {
        Server server = new Server();
        ServerConnector connector;
        if (tls) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(LoopbackTls.serverContext());
            connector = new ServerConnector(server, ssl);
        } else {
            connector = new ServerConnector(server);
        }
        Running running = jetty(tls ? "jetty-tls" : "jetty", server, connector);
        running.tls = tls;
        return running;
    }

    /** Jetty 12's core server on one clear-text connector for HTTP/1.1 and h2c (by prior knowledge or by upgrade). */
    static Running jettyH2c() throws Exception {
        Server server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        Running running = jetty("jetty-h2c", server, new ServerConnector(server, new HttpConnectionFactory(config),
            new HTTP2CServerConnectionFactory(config)));
        running.h2c = true;
        return running;
    }

    private static Running jetty(String name, Server server, ServerConnector connector) throws Exception {
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        Running running = new Running(name) {
            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asByteBuffer(request); // the request body, read in full
                byte[] b = running.answer(Request.getPathInContext(request));
                response.getHeaders().put("Content-Type", "text/plain");
                response.getHeaders().put("Content-Length", b.length);
                response.write(true, ByteBuffer.wrap(b), callback);
                return true;
            }
        });
        server.start();
        running.port = connector.getLocalPort();
        return running;
    }

    /** Tomcat 11 embedded, its NIO connector, with these connector properties (name, value, …) beside its defaults. */
    static Running tomcat(String name, String... connectorProperties) throws Exception {
        Path base = Files.createTempDirectory("connscope-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        for (int i = 0; i + 1 < connectorProperties.length; i += 2) {
            connector.setProperty(connectorProperties[i], connectorProperties[i + 1]);
        }
        tomcat.setConnector(connector);
        Running running = new Running(name) {
            @Override
            public void close() throws Exception {
                tomcat.stop();
                tomcat.destroy();
            }
        };
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "answer", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
                req.getInputStream().readAllBytes();
                byte[] b = running.answer(req.getRequestURI());
                res.setContentType("text/plain");
                res.setContentLength(b.length);
                res.getOutputStream().write(b);
            }
        });
        context.addServletMappingDecoded("/*", "answer");
        tomcat.start();
        running.port = connector.getLocalPort();
        return running;
    }

    /** Undertow's core server. */
    static Running undertow() {
        Running[] self = new Running[1];
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(ex -> {
                    ex.startBlocking();
                    ex.getInputStream().readAllBytes();
                    byte[] b = self[0].answer(ex.getRequestPath());
                    ex.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "text/plain");
                    ex.setResponseContentLength(b.length);
                    ex.getOutputStream().write(b);
                    ex.endExchange();
                });
            }
        }).build();
        Running running = new Running("undertow") {
            @Override
            public void close() {
                server.stop();
            }
        };
        self[0] = running;
        server.start();
        running.port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return running;
    }

    /** The JDK's own HttpServer, left at its defaults (TCP_NODELAY off). */
    static Running jdk() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Running running = new Running("jdk-httpserver") {
            @Override
            public void close() {
                server.stop(0);
            }
        };
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] b = running.answer(exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, b.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        running.port = server.getAddress().getPort();
        return running;
    }

    /** OkHttp's MockWebServer, answering from a dispatcher. */
    static Running mockWebServer() throws IOException {
        MockWebServer server = new MockWebServer();
        Running running = new Running("mockwebserver") {
            @Override
            public void close() {
                server.close();
            }
        };
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                byte[] b = running.answer(request.getUrl().encodedPath());
                return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/plain")
                    .body(new String(b, StandardCharsets.US_ASCII)).build();
            }
        });
        server.start(InetAddress.getLoopbackAddress(), 0);
        running.port = server.getPort();
        return running;
    }
}
