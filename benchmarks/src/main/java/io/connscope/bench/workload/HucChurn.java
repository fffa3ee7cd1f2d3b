package io.connscope.bench.workload;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * A new connection per request: {@code Connection: close} both ways, so HttpURLConnection pools
 * nothing and the server closes first (TIME_WAIT lands on its side, as HTTP intends).
 */
final class HucChurn implements Workload {

    private final LoopbackHttpServer server = new LoopbackHttpServer();
    private final URL url;
    private final byte[] buffer = new byte[256];

    HucChurn() throws IOException {
        url = new URL(server.url(LoopbackHttpServer.CLOSE_PATH));
    }

    @Override
    public void request() throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setRequestProperty("Connection", "close");
        try (InputStream in = c.getInputStream()) {
            Drain.fully(in, buffer);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
