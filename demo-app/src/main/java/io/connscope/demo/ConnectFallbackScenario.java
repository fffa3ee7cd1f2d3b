package io.connscope.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that tries a name's addresses in turn, as Apache HttpClient, OkHttp and JDBC drivers do.
 * Its resolver (the application's own, as service discovery would be) answers {@code fallback.demo}
 * with 127.0.0.2 first, where a listener's accept queue is full so the connect times out after
 * 300 ms, then 127.0.0.1, where the server answers: the connect that works comes after one that
 * failed. {@code first-alive.demo} lists the working address first: its connect falls back on
 * nothing. The client times each name's request itself.
 */
final class ConnectFallbackScenario implements Scenario {

    static final int CONNECT_TIMEOUT_MS = 300;

    @Override
    public String name() {
        return "connect-fallback";
    }

    @Override
    public String description() {
        return "a client falling back through a name's addresses: the first drops the SYN, the connect times out"
            + " after " + CONNECT_TIMEOUT_MS + " ms, the second answers";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (LoopbackServer server = LoopbackServer.start(2, ConnectFallbackScenario::answer);
             ServerSocket dead = new ServerSocket()) {
            int port = server.port();
            dead.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), port), 1);
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) { // the accept queue holds backlog + 1: full, later SYNs are dropped
                    Socket s = new Socket();
                    s.connect(dead.getLocalSocketAddress(), 2000);
                    queued.add(s);
                }
                StringBuilder truth = new StringBuilder("expect: connect.fallback=demo port=" + port);
                for (String name : new String[] {"fallback.demo", "first-alive.demo"}) {
                    InetAddress[] answer = name.startsWith("fallback")
                        ? new InetAddress[] {address(name, 2), address(name, 1)}
                        : new InetAddress[] {address(name, 1), address(name, 2)};
                    long start = System.nanoTime();
                    int attempts = get(answer, port);
                    truth.append(' ').append(name).append(".attempts=").append(attempts).append(' ').append(name)
                        .append(".ms=").append((System.nanoTime() - start) / 1_000_000);
                }
                server.await();
                out.println("  fallback.demo: 127.0.0.2 timed out, then 127.0.0.1; first-alive.demo: 127.0.0.1 at once");
                out.println(truth);
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    private static InetAddress address(String name, int last) throws IOException {
        return InetAddress.getByAddress(name, new byte[] {127, 0, 0, (byte) last});
    }

    /** Connects to the answer's addresses in turn until one works, sends a GET there; returns the attempts made. */
    private static int get(InetAddress[] answer, int port) throws IOException {
        IOException last = null;
        for (int i = 0; i < answer.length; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(answer[i], port), CONNECT_TIMEOUT_MS);
                OutputStream o = s.getOutputStream();
                o.write(("GET / HTTP/1.1\r\nHost: " + answer[i].getHostName() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                o.flush();
                s.getInputStream().readAllBytes();
                return i + 1;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Reads the request's head, answers 200 and closes. */
    static void answer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        int matched = 0;
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII));
    }
}
