package io.connscope.agent.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.connscope.agent.AgentLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The live report ({@code connscope.report.port}): the current HTML report at {@code /} and the
 * text report at {@code /report.txt}, on 127.0.0.1 only. Started on one of connscope's threads, so
 * its own connections are never tracked.
 */
public final class ReportServer {

    private final HttpServer server;

    private ReportServer(HttpServer server) {
        this.server = server;
    }

    /** Starts the endpoint, or logs why it could not and returns null. */
    public static ReportServer start(int port, Supplier<String> html, Supplier<String> text) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
            server.createContext("/", e -> serve(e, "/".equals(e.getRequestURI().getPath()) ? html : null,
                "text/html; charset=utf-8"));
            server.createContext("/report.txt", e -> serve(e, text, "text/plain; charset=utf-8"));
            server.start();
            AgentLog.info("live report on http://127.0.0.1:" + server.getAddress().getPort() + "/");
            return new ReportServer(server);
        } catch (IOException | RuntimeException | LinkageError e) {
            AgentLog.info("the live report could not start on 127.0.0.1:" + port + " (" + e + "); the exit report is"
                + " unaffected");
            return null;
        }
    }

    private static void serve(HttpExchange e, Supplier<String> body, String type) throws IOException {
        try {
            if (body == null || !"GET".equals(e.getRequestMethod())) {
                e.sendResponseHeaders(404, -1);
                return;
            }
            byte[] b;
            try {
                b = body.get().getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException ex) {
                AgentLog.once("live-report-failed", "the live report failed to render: " + ex, ex);
                e.sendResponseHeaders(500, -1);
                return;
            }
            e.getResponseHeaders().set("Content-Type", type);
            e.getResponseHeaders().set("Cache-Control", "no-store");
            e.sendResponseHeaders(200, b.length);
            try (OutputStream o = e.getResponseBody()) {
                o.write(b);
            }
        } finally {
            e.close();
        }
    }

    public void stop() {
        server.stop(0);
    }
}
