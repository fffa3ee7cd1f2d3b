package io.connscope.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Nagle's algorithm meeting delayed ACK, on each side. The client writes each request in two small
 * writes, with TCP_NODELAY off and then on: with it off, the second write waits for the ACK of the
 * first, which the server delays. Then a server writes each response's head and body apart with
 * TCP_NODELAY off: its body waits for the client's delayed ACK of the head. Each side times its own
 * rounds, so the stalls it prints are measured without connscope.
 */
final class NoDelayScenario implements Scenario {

    static final int ROUNDS = 5;
    static final int HEAD = 20;
    static final int BODY = 80;
    static final int RESPONSE = 200;
    /** A round this slow waited for a delayed ACK: a loopback round trip takes well under a millisecond. */
    static final long STALL_NANOS = 36_000_000L;
    static final String SPLIT_BODY = "split response body";

    @Override
    public String name() {
        return "nodelay";
    }

    @Override
    public String description() {
        return "requests written in two small writes with TCP_NODELAY off and then on, and a server writing head and body apart";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        for (boolean noDelay : new boolean[] {false, true}) {
            try (LoopbackServer server = LoopbackServer.start(1, NoDelayScenario::serve)) {
                StringBuilder rounds = new StringBuilder();
                int stalled = 0;
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.setTcpNoDelay(noDelay);
                    OutputStream o = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    for (int i = 0; i < ROUNDS; i++) {
                        long start = System.nanoTime();
                        o.write(new byte[HEAD]);
                        o.write(new byte[BODY]);
                        LoopbackServer.readExactly(in, RESPONSE);
                        long took = System.nanoTime() - start;
                        stalled += took >= STALL_NANOS ? 1 : 0;
                        rounds.append(String.format(" %.1f", took / 1e6));
                    }
                }
                server.await();
                out.printf("  TCP_NODELAY %-3s: write-write-read rounds took (ms)%s%n", noDelay ? "on" : "off", rounds);
                out.println("expect: nodelay=" + noDelay + " client.sent=" + ROUNDS * (HEAD + BODY)
                    + " client.received=" + ROUNDS * RESPONSE + " client.writes=" + ROUNDS * 2 + " client.stalled=" + stalled
                    + " port=" + server.port());
            }
        }
        splitResponses(out);
    }

    /** HttpURLConnection keep-alive GETs to a server that writes each response's head and body apart, with Nagle on. */
    private static void splitResponses(PrintStream out) throws Exception {
        try (LoopbackServer server = LoopbackServer.start(1, NoDelayScenario::serveSplit)) {
            StringBuilder rounds = new StringBuilder();
            int stalled = 0;
            for (int i = 0; i < ROUNDS; i++) {
                HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + server.port() + "/split")
                    .openConnection();
                // getInputStream() returns once the head is read: what follows is the wait for the body.
                try (InputStream in = c.getInputStream()) {
                    long start = System.nanoTime();
                    in.readAllBytes();
                    long took = System.nanoTime() - start;
                    stalled += took >= STALL_NANOS ? 1 : 0;
                    rounds.append(String.format(" %.1f", took / 1e6));
                }
            }
            server.await();
            out.printf("  server writing head and body apart: each body came after its head (ms)%s%n", rounds);
            out.println("expect: split.responses=" + ROUNDS + " client.stalled=" + stalled + " port=" + server.port());
        }
    }

    private static void serve(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        OutputStream o = s.getOutputStream();
        for (int i = 0; i < ROUNDS; i++) {
            LoopbackServer.readExactly(in, HEAD + BODY);
            o.write(new byte[RESPONSE]);
        }
        in.read(); // wait for the client's close
    }

    /** Answers each GET with its head in one write and its body in another, TCP_NODELAY left off. */
    private static void serveSplit(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        OutputStream o = s.getOutputStream();
        byte[] body = SPLIT_BODY.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < ROUNDS; i++) {
            readHead(in);
            // The last response closes the connection, which the client would otherwise keep until it exits.
            o.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + (i == ROUNDS - 1 ? "\r\nConnection: close" : "")
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.write(body);
        }
        in.read(); // the client's close, once it read the last body
    }

    private static void readHead(InputStream in) throws Exception {
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException("request head cut short");
            }
            matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
        }
    }
}
