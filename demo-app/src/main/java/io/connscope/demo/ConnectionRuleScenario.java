package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** One connection-handling mistake each, on plain and TLS sockets, for the connection rules. */
final class ConnectionRuleScenario extends NamedScenario {

    /** Connections opened at once in too-many-connections: two more than the default limit of 6. */
    static final int PARALLEL = 8;
    static final int LEAKED = 3;
    static final int TLS_CONNECTIONS = 3;
    /** Connections in connection-churn: within a second, twice 10% of a 28,232-port range per 60 s. */
    static final int CHURN = 100;

    private interface Body {
        String run(PrintStream out) throws Exception;
    }

    private final Body body;

    private ConnectionRuleScenario(String name, String description, Body body) {
        super(name, description);
        this.body = body;
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("expect: " + body.run(out));
    }

    static Scenario tooManyConnections() {
        return new ConnectionRuleScenario("too-many-connections", PARALLEL + " connections open at once to one server",
            out -> {
                try (LoopbackServer server = LoopbackServer.start(PARALLEL, s -> s.getInputStream().readAllBytes())) {
                    List<Socket> open = new ArrayList<>();
                    for (int i = 0; i < PARALLEL; i++) {
                        open.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
                    }
                    for (Socket s : open) {
                        s.close();
                    }
                    server.await();
                    out.println("  " + PARALLEL + " connections were open at once");
                    return "client.connections=" + PARALLEL + " parallel=" + PARALLEL + " port=" + server.port();
                }
            });
    }

    static Scenario connectionChurn() {
        return new ConnectionRuleScenario("connection-churn", CHURN + " short connections, each closed by the client"
            + " first: every one leaves a local port in TIME_WAIT", out -> {
                try (LoopbackServer server = LoopbackServer.start(CHURN, s -> s.getInputStream().readAllBytes())) {
                    long start = System.nanoTime();
                    for (int i = 0; i < CHURN; i++) {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                            s.getOutputStream().write(1);
                        }
                    }
                    server.await();
                    out.printf("  %d connections in %.0f ms%n", CHURN, (System.nanoTime() - start) / 1e6);
                    return "client.connections=" + CHURN + " churn=true port=" + server.port();
                }
            });
    }

    static Scenario noDelayLate() {
        return new ConnectionRuleScenario("nodelay-late", "TCP_NODELAY turned on only after the first write", out -> {
            try (LoopbackServer server = LoopbackServer.start(1, s -> {
                LoopbackServer.readExactly(s.getInputStream(), 200);
                s.getOutputStream().write(new byte[50]);
                s.getInputStream().readAllBytes();
            })) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.getOutputStream().write(new byte[100]);
                    s.setTcpNoDelay(true); // the mistake: too late for the write above
                    s.getOutputStream().write(new byte[100]);
                    LoopbackServer.readExactly(s.getInputStream(), 50);
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                }
                server.await();
                out.println("  one write before TCP_NODELAY, one after");
                return "client.connections=1 nodelay.late=true port=" + server.port();
            }
        });
    }

    /** Idle time in idle-connection; the rule's default threshold is 5 minutes, so the demo names its own. */
    static final int IDLE_MS = 1500;

    static Scenario idleConnection() {
        return new ConnectionRuleScenario("idle-connection", "a connection left idle for " + IDLE_MS + " ms before its"
            + " close (the rule fires past connscope.rule.idle-connection.idle.ms, 5 minutes by default; run with"
            + " -Dconnscope.rule.idle-connection.idle.ms=1000 to see it)", out -> {
                try (LoopbackServer server = LoopbackServer.start(1, s -> {
                    s.getInputStream().read();
                    s.getOutputStream().write(1);
                    s.getInputStream().readAllBytes();
                })) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                        s.setTcpNoDelay(true);
                        s.getOutputStream().write(1);
                        s.getInputStream().read();
                        Thread.sleep(IDLE_MS);
                        s.shutdownOutput();
                        s.getInputStream().readAllBytes();
                    }
                    server.await();
                    out.println("  one byte each way, then " + IDLE_MS + " ms of nothing");
                    return "client.connections=1 idle.ms=" + IDLE_MS + " port=" + server.port();
                }
            });
    }

    /** How long slow-setup's proxy holds the server's first bytes: the TLS handshake takes at least that. */
    static final int PROXY_DELAY_MS = 400;

    static Scenario slowSetup() {
        return new ConnectionRuleScenario("slow-setup", "a TLS handshake through a proxy that holds the server's first bytes"
            + " for " + PROXY_DELAY_MS + " ms", out -> {
                SSLContext tls = LoopbackTls.context();
                SSLServerSocket listener = (SSLServerSocket) DemoPorts.listen(tls.getServerSocketFactory(), 50);
                try (LoopbackServer server = new LoopbackServer(listener, 1, s -> {
                    s.setTcpNoDelay(true);
                    LoopbackServer.readExactly(s.getInputStream(), TlsScenario.REQUEST.length);
                    s.getOutputStream().write(TlsScenario.RESPONSE);
                    s.getOutputStream().flush();
                    s.getInputStream().readAllBytes();
                });
                     LoopbackServer proxy = LoopbackServer.start(1, s -> DelayingProxy.relay(s, server.port(),
                         PROXY_DELAY_MS))) {
                    long start = System.nanoTime();
                    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                        proxy.port())) {
                        s.setTcpNoDelay(true);
                        s.getOutputStream().write(TlsScenario.REQUEST);
                        s.getOutputStream().flush();
                        LoopbackServer.readExactly(s.getInputStream(), TlsScenario.RESPONSE.length);
                    }
                    proxy.await();
                    server.await();
                    out.printf("  one HTTPS request in %.0f ms, most of it in the handshake%n", (System.nanoTime() - start) / 1e6);
                    return "client.connections=1 slow.tls=true proxy.port=" + proxy.port() + " port=" + server.port();
                }
            });
    }

    /** Connections port-exhaustion tries to hold open at once: no more than too-many-connections allows. */
    static final int HOLD = 6;

    static Scenario portExhaustion() {
        return new ConnectionRuleScenario("port-exhaustion", "holds " + HOLD + " connections open until no local port is"
            + " left; to see it fail, run it in a network namespace with a tiny port range: unshare -n sh -c 'ip link set"
            + " lo up; echo \"40000 40002\" > /proc/sys/net/ipv4/ip_local_port_range; java …'", out -> {
                // The server does not accept: connections complete in its backlog, which is enough to hold ports.
                try (ServerSocket server = DemoPorts.listen(HOLD + 1)) {
                    List<Socket> held = new ArrayList<>();
                    String failure = "none";
                    try {
                        for (int i = 0; i < HOLD; i++) {
                            held.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                        }
                    } catch (IOException e) {
                        failure = e.getClass().getSimpleName();
                    } finally {
                        for (Socket s : held) {
                            s.close();
                        }
                    }
                    out.println("  held " + held.size() + " connections; the next connect failed with: " + failure);
                    return "client.held=" + held.size() + " failure=" + failure + " port=" + server.getLocalPort();
                }
            });
    }

    static Scenario connectionLeak() {
        return new ConnectionRuleScenario("connection-leak", LEAKED + " sockets dropped without close, then found by the GC",
            out -> {
                try (LoopbackServer server = LoopbackServer.start(LEAKED, s -> s.getInputStream().readAllBytes())) {
                    List<WeakReference<Socket>> dropped = new ArrayList<>();
                    for (int i = 0; i < LEAKED; i++) {
                        dropped.add(new WeakReference<>(openAndForget(server.port())));
                    }
                    for (int i = 0; i < 50 && dropped.stream().anyMatch(r -> r.get() != null); i++) {
                        System.gc();
                        Thread.sleep(20);
                    }
                    // The JDK closes a collected socket's descriptor, which ends the server's reads.
                    for (int i = 0; i < 50 && server.isRunning(); i++) {
                        System.gc();
                        Thread.sleep(20);
                    }
                    server.await();
                    // connscope looks for collected sockets every 100 ms, between exports on its own thread; the
                    // leak warnings carry the time it found them, which must fall within this scenario.
                    Thread.sleep(1000);
                    out.println("  " + LEAKED + " sockets were never closed");
                    return "client.leaked=" + LEAKED + " port=" + server.port();
                }
            });
    }

    /** Connects and drops the socket: the leak. */
    private static Socket openAndForget(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write(1);
        return s;
    }

    static Scenario closeOrdering() {
        return new ConnectionRuleScenario("close-ordering", "half-closes in an order that loses data: input first, and"
            + " output without reading the peer's EOF", out -> {
                try (LoopbackServer server = LoopbackServer.start(2, s -> s.getInputStream().readAllBytes())) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                        s.shutdownInput();
                        s.shutdownOutput();
                    }
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                        s.shutdownOutput();
                    }
                    server.await();
                    out.println("  shutdownInput before shutdownOutput; shutdownOutput then close without reading EOF");
                    return "client.connections=2 port=" + server.port();
                }
            });
    }

    static Scenario tlsNoResumption() {
        return new ConnectionRuleScenario("tls-no-resumption", TLS_CONNECTIONS + " TLS connections, each client with a"
            + " fresh SSLContext: every handshake is a full one", out -> {
                SSLContext serverContext = LoopbackTls.context();
                SSLServerSocket listener = (SSLServerSocket) DemoPorts.listen(serverContext.getServerSocketFactory(), 50);
                try (LoopbackServer server = new LoopbackServer(listener, TLS_CONNECTIONS, s -> {
                    s.setTcpNoDelay(true);
                    LoopbackServer.readExactly(s.getInputStream(), TlsScenario.REQUEST.length);
                    s.getOutputStream().write(TlsScenario.RESPONSE);
                    s.getOutputStream().flush();
                    s.getInputStream().readAllBytes(); // until the client's close_notify
                })) {
                    for (int i = 0; i < TLS_CONNECTIONS; i++) {
                        SSLContext fresh = LoopbackTls.context(); // the mistake: a new context, so a new session cache
                        try (SSLSocket s = (SSLSocket) fresh.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                            server.port())) {
                            s.setTcpNoDelay(true);
                            OutputStream o = s.getOutputStream();
                            o.write(TlsScenario.REQUEST);
                            o.flush();
                            InputStream in = s.getInputStream();
                            LoopbackServer.readExactly(in, TlsScenario.RESPONSE.length);
                        }
                    }
                    server.await();
                    out.println("  " + TLS_CONNECTIONS + " full TLS handshakes, none resumed");
                    return "client.connections=" + TLS_CONNECTIONS + " tls.resumed=0 port=" + server.port();
                }
            });
    }

    static Scenario hopByHop() {
        return new ConnectionRuleScenario("hop-by-hop", "requests with Proxy-Connection, and a Connection header naming"
            + " an end-to-end field", out -> {
                try (WireServer server = new WireServer(0, 0);
                     Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.setTcpNoDelay(true);
                    int port = server.port();
                    RawHttp.send(s.getOutputStream(), RawHttp.request("GET", "/proxied", "HTTP/1.1", port,
                        "Proxy-Connection: keep-alive"));
                    RawHttp.readResponse(s.getInputStream());
                    RawHttp.send(s.getOutputStream(), RawHttp.request("GET", "/named", "HTTP/1.1", port,
                        "Connection: keep-alive, Cache-Control", "Cache-Control: no-cache"));
                    RawHttp.readResponse(s.getInputStream());
                    out.println("  2 requests, each misusing a hop-by-hop header");
                    return "client.connections=1 hop.by.hop=2 port=" + port;
                }
            });
    }

    /** GETs in keepalive-disabled: the rule's default of 5, so that its one claim counts them all. */
    static final int CLOSING_REQUESTS = 5;

    static Scenario keepAliveDisabled() {
        return new ConnectionRuleScenario("keepalive-disabled", CLOSING_REQUESTS + " GETs with HttpURLConnection, each"
            + " asking the server to close (Connection: close): a new connection for every request", out -> {
                int[] asked = new int[1];
                try (LoopbackServer server = LoopbackServer.start(CLOSING_REQUESTS, s -> {
                    String head = RawHttp.readHead(s.getInputStream());
                    if (head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n")) {
                        asked[0]++;
                    }
                    // As HTTP/1.1 servers do: the answer says the connection closes, then the client closes it.
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().readAllBytes();
                })) {
                    URL url = new URL("http://127.0.0.1:" + server.port() + "/closing");
                    for (int i = 0; i < CLOSING_REQUESTS; i++) {
                        HttpDemoServer.request(url, "GET", true, null);
                    }
                    server.await();
                    out.println("  " + CLOSING_REQUESTS + " requests, " + CLOSING_REQUESTS + " connections; the server"
                        + " counted " + asked[0] + " requests asking it to close");
                    return "client.requests=" + CLOSING_REQUESTS + " server.connections=" + CLOSING_REQUESTS
                        + " server.close.requests=" + asked[0] + " port=" + server.port();
                }
            });
    }
}
