package io.connscope.bench.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 keep-alive GETs on one loopback connection where one thread is both the client and the
 * server: it writes the request, reads it on the accepted socket, writes the 64-byte response and
 * reads it back. The bytes are always there when read, so no thread ever waits or wakes another:
 * CPU per request is the work of the sockets and of whatever follows them, and what an agent adds to
 * it is measured without the scheduler's noise. connscope follows both ends as it would a client and
 * a server: two connections, four message heads and two exchanges per request.
 */
final class InlineHttpSocket implements Workload {

    private static final byte[] REQUEST = ("GET /inline HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: connscope-bench\r\n"
        + "Accept: */*\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 64\r\nContent-Type: text/plain\r\n\r\n"
        + "x".repeat(64)).getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    private final Socket client;
    private final Socket server;
    private final OutputStream clientOut;
    private final InputStream clientIn;
    private final OutputStream serverOut;
    private final InputStream serverIn;
    private final byte[] request = new byte[REQUEST.length];
    private final byte[] response = new byte[RESPONSE.length];

    InlineHttpSocket() throws IOException {
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        server = listener.accept();
        for (Socket s : new Socket[] {client, server}) {
            s.setTcpNoDelay(true);
        }
        clientOut = client.getOutputStream();
        clientIn = client.getInputStream();
        serverOut = server.getOutputStream();
        serverIn = server.getInputStream();
    }

    @Override
    public void request() throws IOException {
        clientOut.write(REQUEST);
        Drain.exactly(serverIn, request);
        serverOut.write(RESPONSE);
        Drain.exactly(clientIn, response);
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
        listener.close();
    }
}
