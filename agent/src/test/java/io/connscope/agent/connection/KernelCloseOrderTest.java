package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** Whose FIN went first, from /proc/net/tcp: parsed from real lines, and checked against real sockets closed each way. */
class KernelCloseOrderTest {

    @Test
    void aLineMatchesOnItsPortsAndGivesItsState() {
        String line = "   3: 0100007F:C350 0100007F:1F90 06 00000000:00000000 03:00000F4B 00000000     0        0 0 3 0000";
        assertThat(KernelCloseOrder.stateIfMatches(line, ":C350", ":1F90")).isEqualTo(6);
        assertThat(KernelCloseOrder.stateIfMatches(line, ":1F90", ":C350")).as("the other end's socket").isEqualTo(-1);
        String v6 = "   0: 0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:1F90 09 00000000:00000000";
        assertThat(KernelCloseOrder.stateIfMatches(v6, ":C350", ":1F90")).isEqualTo(9);
    }

    @Test
    void statesSayWhoseFinWentFirst() {
        assertThat(KernelCloseOrder.orderOf(0x04)).isEqualTo(KernelCloseOrder.THIS_SIDE);
        assertThat(KernelCloseOrder.orderOf(0x05)).isEqualTo(KernelCloseOrder.THIS_SIDE);
        assertThat(KernelCloseOrder.orderOf(0x06)).isEqualTo(KernelCloseOrder.THIS_SIDE);
        assertThat(KernelCloseOrder.orderOf(0x0B)).isEqualTo(KernelCloseOrder.THIS_SIDE);
        assertThat(KernelCloseOrder.orderOf(0x08)).isEqualTo(KernelCloseOrder.PEER);
        assertThat(KernelCloseOrder.orderOf(0x09)).isEqualTo(KernelCloseOrder.PEER);
        assertThat(KernelCloseOrder.orderOf(0x01)).isEqualTo(KernelCloseOrder.NOT_YET);
        assertThat(KernelCloseOrder.orderOf(0x0A)).isEqualTo(KernelCloseOrder.UNKNOWN);
    }

    /** Real loopback sockets: the side that closes first is left in FIN_WAIT or TIME_WAIT; the other is gone. */
    @Test
    void realSocketsClosedEachWay() throws Exception {
        if (!Files.isReadable(Paths.get("/proc/net/tcp"))) {
            return; // not Linux: nothing to read, and the order stays unknown
        }
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            Socket server = listener.accept();
            int clientPort = client.getLocalPort();
            int serverPort = listener.getLocalPort();
            assertThat(KernelCloseOrder.lookUp(clientPort, serverPort)).as("open").isEqualTo(KernelCloseOrder.NOT_YET);
            server.close(); // the server's FIN first
            awaitEof(client.getInputStream());
            client.close();
            assertThat(KernelCloseOrder.lookUp(serverPort, clientPort)).isEqualTo(KernelCloseOrder.THIS_SIDE);
            assertThat(KernelCloseOrder.lookUp(clientPort, serverPort)).isEqualTo(KernelCloseOrder.PEER);
        }
    }

    private static void awaitEof(InputStream in) throws IOException {
        while (in.read() >= 0) {
            // until the peer's FIN
        }
    }
}
