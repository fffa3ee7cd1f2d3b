package io.connscope.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Bad: the client closes while the server's data is still unread, so the kernel sends RST. */
final class AbortiveCloseScenario implements Scenario {

    static final int UNREAD = 500;

    @Override
    public String name() {
        return "abortive-close";
    }

    @Override
    public String description() {
        return "close with unread input: the kernel sends RST and the peer's next write fails";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        CountDownLatch clientClosed = new CountDownLatch(1);
        String[] serverSaw = {"nothing"};
        try (LoopbackServer server = LoopbackServer.start(1, s -> {
            s.getOutputStream().write(new byte[UNREAD]);
            clientClosed.await(5, TimeUnit.SECONDS);
            Thread.sleep(100); // let the RST arrive
            try {
                for (int i = 0; i < 3; i++) {
                    s.getOutputStream().write(new byte[100]);
                }
            } catch (IOException e) {
                serverSaw[0] = e.getMessage();
            }
        })) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                InputStream in = s.getInputStream();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (in.available() < UNREAD && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            } finally { // closed with 500 bytes unread
                clientClosed.countDown();
            }
            server.await();
            out.println("  client closed with " + UNREAD + " bytes unread; the server's next write failed with: " + serverSaw[0]);
            out.println("expect: client.close=abortive server.close=reset server.sent=" + UNREAD + " port=" + server.port());
        }
    }
}
