package io.connscope.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Write-write-read with Nagle on (TCP_NODELAY off) against the same exchange with TCP_NODELAY on.
 * With Nagle on, the second small write waits for the ACK of the first, which the peer delays.
 */
final class NoDelayScenario implements Scenario {

    static final int ROUNDS = 5;
    static final int HEAD = 20;
    static final int BODY = 80;
    static final int RESPONSE = 200;

    @Override
    public String name() {
        return "nodelay";
    }

    @Override
    public String description() {
        return "requests written in two small writes, with TCP_NODELAY off and then on";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        for (boolean noDelay : new boolean[] {false, true}) {
            try (LoopbackServer server = LoopbackServer.start(1, NoDelayScenario::serve)) {
                long worst = 0;
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.setTcpNoDelay(noDelay);
                    OutputStream o = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    for (int i = 0; i < ROUNDS; i++) {
                        long start = System.nanoTime();
                        o.write(new byte[HEAD]);
                        o.write(new byte[BODY]);
                        LoopbackServer.readExactly(in, RESPONSE);
                        worst = Math.max(worst, System.nanoTime() - start);
                    }
                }
                server.await();
                out.printf("  TCP_NODELAY %-3s: slowest of %d write-write-read rounds took %.1f ms%n",
                    noDelay ? "on" : "off", ROUNDS, worst / 1e6);
                out.println("expect: nodelay=" + noDelay + " client.sent=" + ROUNDS * (HEAD + BODY)
                    + " client.received=" + ROUNDS * RESPONSE + " client.writes=" + ROUNDS * 2 + " port=" + server.port());
            }
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
}
