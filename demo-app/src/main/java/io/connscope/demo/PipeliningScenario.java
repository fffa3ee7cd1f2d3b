package io.connscope.demo;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * HTTP/1.1 pipelining by hand: several requests written before the first response is read. Two
 * GETs are merely fragile; a POST behind a GET cannot be safely retried if the connection fails.
 */
final class PipeliningScenario implements Scenario {

    @Override
    public String name() {
        return "pipelining";
    }

    @Override
    public String description() {
        return "requests written before earlier responses arrived: GET behind GET (info), POST behind GET (warning)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (WireServer server = new WireServer(0, 0);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            int port = server.port();
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            RawHttp.send(s.getOutputStream(), RawHttp.request("GET", "/a", "HTTP/1.1", port),
                RawHttp.request("GET", "/b", "HTTP/1.1", port));
            RawHttp.readResponse(in);
            RawHttp.readResponse(in);
            RawHttp.send(s.getOutputStream(), RawHttp.request("GET", "/c", "HTTP/1.1", port),
                RawHttp.request("POST", "/d", "HTTP/1.1", port));
            RawHttp.readResponse(in);
            RawHttp.readResponse(in);
            out.println("  4 requests on one connection, written two at a time; the server answered them in order");
            out.println("expect: port=" + port + " client.connections=1 exchanges=4 pipelined=2");
        }
    }
}
