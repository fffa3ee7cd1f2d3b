package io.connscope.demo;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;

/** Good: the client half-closes (shutdownOutput), reads the server's answer to EOF, then closes. */
final class HalfCloseScenario implements Scenario {

    static final int REQUEST = 120;
    static final int RESPONSE = 300;

    @Override
    public String name() {
        return "half-close";
    }

    @Override
    public String description() {
        return "graceful close: shutdownOutput, read to EOF, then close";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (LoopbackServer server = LoopbackServer.start(1, s -> {
            s.getInputStream().readAllBytes(); // until the client's FIN
            s.getOutputStream().write(new byte[RESPONSE]);
        })) {
            int received;
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.setTcpNoDelay(true);
                s.getOutputStream().write(new byte[100]);
                s.getOutputStream().write(new byte[REQUEST - 100]);
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                received = in.readAllBytes().length;
            }
            server.await();
            out.println("  client sent " + REQUEST + " bytes, half-closed, read " + received + " bytes to EOF, closed");
            out.println("expect: client.close=graceful client.initiator=local-shutdown-output server.close=peer-first"
                + " client.sent=" + REQUEST + " client.received=" + received + " port=" + server.port());
        }
    }
}
