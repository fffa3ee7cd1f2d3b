package io.connscope.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;

/** One keep-alive rule each, shown with hand-written HTTP on a plain socket against {@link WireServer}. */
final class WireRuleScenario extends NamedScenario {

    /** The Keep-Alive timeout the keepalive-timeout scenario's server advertises, and how long the client idles. */
    static final int ADVERTISED_TIMEOUT_S = 1;
    static final int IDLE_MS = 1300;

    private interface Client {
        String run(int port, InputStream in, OutputStream out) throws Exception;
    }

    private final int advertisedTimeout;
    private final Client client;

    private WireRuleScenario(String name, String description, int advertisedTimeout, Client client) {
        super(name, description);
        this.advertisedTimeout = advertisedTimeout;
        this.client = client;
    }

    static Scenario http10() {
        return new WireRuleScenario("http10", "an HTTP/1.0 request without keep-alive: one exchange per connection", 0,
            (port, in, out) -> {
                RawHttp.send(out, RawHttp.request("GET", "/legacy", "HTTP/1.0", port));
                return "status " + RawHttp.readResponse(in);
            });
    }

    static Scenario closeDelimited() {
        return new WireRuleScenario("close-delimited", "a response without Content-Length or chunking, ended by the close",
            0, (port, in, out) -> {
                RawHttp.send(out, RawHttp.request("GET", "/close-delimited", "HTTP/1.1", port));
                return "status " + RawHttp.readResponse(in);
            });
    }

    static Scenario requestAfterClose() {
        return new WireRuleScenario("request-after-close", "a second request on a connection the server said it closes",
            0, (port, in, out) -> {
                RawHttp.send(out, RawHttp.request("GET", "/close", "HTTP/1.1", port));
                int status = RawHttp.readResponse(in);
                RawHttp.send(out, RawHttp.request("GET", "/again", "HTTP/1.1", port));
                try {
                    return "status " + status + ", then " + RawHttp.readResponse(in);
                } catch (IOException e) {
                    return "status " + status + ", then no response";
                }
            });
    }

    static Scenario keepAliveTimeout() {
        return new WireRuleScenario("keepalive-timeout", "reuse after idling past the server's Keep-Alive: timeout="
            + ADVERTISED_TIMEOUT_S, ADVERTISED_TIMEOUT_S, (port, in, out) -> {
                RawHttp.send(out, RawHttp.request("GET", "/first", "HTTP/1.1", port));
                int first = RawHttp.readResponse(in);
                Thread.sleep(IDLE_MS);
                RawHttp.send(out, RawHttp.request("GET", "/second", "HTTP/1.1", port));
                return "status " + first + ", then " + RawHttp.readResponse(in) + " after " + IDLE_MS + " ms idle";
            });
    }

    static Scenario truncatedBody() {
        return new WireRuleScenario("truncated-body", "a response body cut short: " + WireServer.TRUNCATED_SENT + " of "
            + WireServer.TRUNCATED_DECLARED + " bytes, then the close", 0, (port, in, out) -> {
                RawHttp.send(out, RawHttp.request("GET", "/truncated", "HTTP/1.1", port));
                try {
                    return "status " + RawHttp.readResponse(in);
                } catch (IOException e) {
                    return e.getMessage();
                }
            });
    }

    static Scenario malformedResponse() {
        return new WireRuleScenario("malformed-response", "a response with two different Content-Length values: framing"
            + " that a client and a proxy can each read their own way", 0, (port, in, out) -> {
                RawHttp.send(out, RawHttp.request("GET", "/first", "HTTP/1.1", port));
                int first = RawHttp.readResponse(in);
                RawHttp.send(out, RawHttp.request("GET", "/conflicting-length", "HTTP/1.1", port));
                return "status " + first + ", then " + RawHttp.readResponse(in) + " (this client took the last length)";
            });
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (WireServer server = new WireServer(0, advertisedTimeout);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setTcpNoDelay(true);
            String outcome = client.run(server.port(), s.getInputStream(), s.getOutputStream());
            out.println("  " + outcome);
            out.println("expect: port=" + server.port() + " client.connections=1");
        }
    }
}
