package io.connscope.bench.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * HttpURLConnection GETs or POSTs on its keep-alive cache: one connection per client thread, reused.
 * At the high rate, two client threads against {@link MinimalHttpResponder} keep both cores busy.
 */
final class HucKeepAlive implements Workload {

    private static final byte[] POST_BODY = new byte[128];
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[256]);

    private final AutoCloseable server;
    private final URL url;
    private final boolean post;
    private final int threads;

    HucKeepAlive(boolean post, boolean highRate) throws IOException {
        this.post = post;
        this.threads = highRate ? 2 : 1;
        String path = post ? "/post" : "/get";
        if (highRate) {
            MinimalHttpResponder responder = new MinimalHttpResponder();
            server = responder;
            url = new URL(responder.url(path));
        } else {
            LoopbackHttpServer jdkServer = new LoopbackHttpServer();
            server = jdkServer;
            url = new URL(jdkServer.url(path));
        }
    }

    @Override
    public int threads() {
        return threads;
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
            Drain.fully(in, BUFFER.get());
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
