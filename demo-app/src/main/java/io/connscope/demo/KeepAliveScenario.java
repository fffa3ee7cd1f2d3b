package io.connscope.demo;

import java.io.PrintStream;
import java.net.URL;

/** Good: HttpURLConnection reuses one kept-alive connection for every request. */
final class KeepAliveScenario implements Scenario {

    static final int REQUESTS = 10;

    @Override
    public String name() {
        return "keep-alive";
    }

    @Override
    public String description() {
        return REQUESTS + " HTTP GETs over one persistent connection (the handshake is paid once)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (HttpDemoServer server = new HttpDemoServer()) {
            URL url = server.url("/keep-alive");
            long start = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                HttpDemoServer.get(url, false);
            }
            out.printf("  %d requests in %.1f ms, each body read to the end so the connection is reused%n",
                REQUESTS, (System.nanoTime() - start) / 1e6);
            out.println("  If that is tens of ms per request: the JDK's HttpServer writes headers and body separately"
                + " with TCP_NODELAY off, the write-write-read stall of the nodelay scenario.");
            out.println("expect: client.connections=1 server.connections=1 port=" + url.getPort());
        }
    }
}
