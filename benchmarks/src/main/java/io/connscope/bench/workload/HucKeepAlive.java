package io.connscope.bench.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/** HttpURLConnection GETs or POSTs on its keep-alive cache: one connection, reused. */
final class HucKeepAlive implements Workload {

    private static final byte[] POST_BODY = new byte[128];

    private final LoopbackHttpServer server = new LoopbackHttpServer();
    private final URL url;
    private final boolean post;
    private final byte[] buffer = new byte[256];

    HucKeepAlive(boolean post) throws IOException {
        this.post = post;
        this.url = new URL(server.url(post ? "/post" : "/get"));
    }

    @Override
    public void request() throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        if (post) {
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(POST_BODY);
            }
        }
        try (InputStream in = c.getInputStream()) {
            Drain.fully(in, buffer);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
