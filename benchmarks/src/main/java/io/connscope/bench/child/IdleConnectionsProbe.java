package io.connscope.bench.child;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Child JVM main for the memory held per open connection: opens N keep-alive HTTP/1.1 connections
 * to the harness's server, one exchange each, leaves them open and idle, and prints the heap
 * retained before and after. The server lives in the harness process, so only client connections
 * are in this JVM. Arguments: port, N.
 */
public final class IdleConnectionsProbe {

    private static final byte[] REQUEST =
        "GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private IdleConnectionsProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        // One connection first, so classes and agent structures that every connection shares are in the baseline.
        try (Socket warm = exchange(port)) {
            warm.getInputStream();
        }
        Thread.sleep(500);
        long before = ProcessStats.retainedHeapBytes();
        Socket[] open = new Socket[count];
        for (int i = 0; i < count; i++) {
            open[i] = exchange(port);
        }
        // Lets an agent's background thread process the finished exchanges before measuring.
        Thread.sleep(1500);
        long after = ProcessStats.retainedHeapBytes();
        System.out.println("idle connections=" + count + " heapBefore=" + before + " heapAfter=" + after
            + " peakRssKib=" + ProcessStats.peakRssKib());
        System.out.flush();
        for (Socket s : open) {
            s.close();
        }
        System.exit(0);
    }

    private static Socket exchange(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        OutputStream out = s.getOutputStream();
        out.write(REQUEST);
        InputStream in = s.getInputStream();
        // The harness answers with a fixed response whose length the probe knows.
        byte[] response = new byte[IdleServer.RESPONSE.length];
        int off = 0;
        while (off < response.length) {
            int n = in.read(response, off, response.length - off);
            if (n < 0) {
                throw new IOException("server closed the connection");
            }
            off += n;
        }
        return s;
    }
}
