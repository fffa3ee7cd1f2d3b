package io.connscope.stacks.conformance;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;

/**
 * The clients of the conformance runs, each used as its documentation shows for ordinary keep-alive
 * traffic: one client object for a run of requests, each response read in full, the client closed
 * (or, where it has no close, left to the JVM's exit) at the end.
 */
final class ConformanceClients {

    /** A request body the clients POST. */
    static final String POSTED = "{\"item\":42}";

    private ConformanceClients() {
    }

    /**
     * One client library: sends {@code paths} to {@code base}, GET or POST by the path, and returns how
     * many answers were right; {@code took[i]} is request i's time by the client's own clock, from the
     * call that sends it to its body read in full.
     */
    interface Client {
        String name();

        int run(URI base, List<String> paths, long[] took) throws Exception;
    }

    static List<Client> all() {
        return Arrays.asList(httpUrlConnection(), javaNetHttp(), okHttp(), apache(), jetty());
    }

    static boolean isPost(String path) {
        return path.startsWith("/post");
    }

    static boolean right(String path, byte[] body) {
        return Arrays.equals(body, ConformanceServers.body(path));
    }

    static Client httpUrlConnection() {
        return client("HttpURLConnection", (base, paths, took) -> {
            int right = 0;
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                long start = System.nanoTime();
                HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection();
                if (isPost(path)) {
                    c.setRequestMethod("POST");
                    c.setDoOutput(true);
                    c.setRequestProperty("Content-Type", "application/json");
                    try (OutputStream out = c.getOutputStream()) {
                        out.write(POSTED.getBytes(StandardCharsets.US_ASCII));
                    }
                }
                try (InputStream in = c.getInputStream()) {
                    right += right(path, in.readAllBytes()) ? 1 : 0;
                    took[i] = System.nanoTime() - start;
                }
            }
            return right; // its keep-alive cache keeps the connection until the JVM exits
        });
    }

    static Client javaNetHttp() {
        return client("java.net.http", (base, paths, took) -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int right = 0;
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                long start = System.nanoTime();
                HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
                if (isPost(path)) {
                    b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(POSTED));
                }
                right += right(path, client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()).body()) ? 1 : 0;
                took[i] = System.nanoTime() - start;
            }
            return right; // HttpClient.close() is JDK 21+: its connections stay pooled until the JVM exits
        });
    }

    static Client okHttp() {
        return client("OkHttp", (base, paths, took) -> {
            OkHttpClient client = new OkHttpClient();
            int right = 0;
            try {
                for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                long start = System.nanoTime();
                    okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(base.resolve(path).toString());
                    if (isPost(path)) {
                        b.post(RequestBody.create(POSTED, MediaType.get("application/json")));
                    }
                    try (okhttp3.Response r = client.newCall(b.build()).execute()) {
                        right += right(path, r.body().bytes()) ? 1 : 0;
                        took[i] = System.nanoTime() - start;
                    }
                }
            } finally {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
            return right;
        });
    }

    static Client apache() {
        return client("Apache HttpClient 5", (base, paths, took) -> {
            int right = 0;
            try (CloseableHttpClient client = HttpClients.createDefault()) {
                for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                long start = System.nanoTime();
                    org.apache.hc.core5.http.ClassicHttpRequest request;
                    if (isPost(path)) {
                        HttpPost post = new HttpPost(base.resolve(path));
                        post.setEntity(new StringEntity(POSTED, ContentType.APPLICATION_JSON));
                        request = post;
                    } else {
                        request = new HttpGet(base.resolve(path));
                    }
                    byte[] body = client.execute(request, response -> EntityUtils.toByteArray(response.getEntity()));
                    right += right(path, body) ? 1 : 0;
                    took[i] = System.nanoTime() - start;
                }
            }
            return right;
        });
    }

    static Client jetty() {
        return client("Jetty HttpClient", (base, paths, took) -> {
            org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
            client.start();
            int right = 0;
            try {
                for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                long start = System.nanoTime();
                    org.eclipse.jetty.client.Request request = client.newRequest(base.resolve(path));
                    if (isPost(path)) {
                        request.method("POST").body(new StringRequestContent("application/json", POSTED));
                    }
                    ContentResponse r = request.send();
                    right += right(path, r.getContent()) ? 1 : 0;
                    took[i] = System.nanoTime() - start;
                }
            } finally {
                client.stop();
            }
            return right;
        });
    }

    private interface Run {
        int run(URI base, List<String> paths, long[] took) throws Exception;
    }

    private static Client client(String name, Run run) {
        return new Client() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int run(URI base, List<String> paths, long[] took) throws Exception {
                return run.run(base, paths, took);
            }
        };
    }
}
