package io.connscope.stacks.unread;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Responses whose body the application does not read, with three clients, each against a server of
 * its own that counts connections and requests, and each next to a healthy counterpart that reads its
 * bodies and is served over one connection:
 * <ul>
 *   <li>HttpURLConnection: three GETs whose bodies are neither read nor closed; the JDK cannot reuse
 *   their connections, and opens one per request;</li>
 *   <li>Apache HttpClient 5, a pool of 2, a 1 s ConnectionRequestTimeout: two GETs whose responses are
 *   never closed hold both leases, and a third waits and fails with the library's timeout;</li>
 *   <li>OkHttp: a GET whose response is dropped unclosed; after a GC, the next GET opens a new
 *   connection and OkHttp logs the leak, then closes the leaked connection.</li>
 * </ul>
 * Each case prints its truth in {@code expect:} lines. The unread connections stay open to the end.
 */
public final class UnreadBodiesApp {

    /** Far more than any client's buffer: most of each unread body waits in the kernel. */
    static final int BODY = 256 * 1024;

    private static final List<Object> HELD = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        urlConnection();
        apache();
        okHttp();
        System.out.println("expect: result=done");
    }

    private static void urlConnection() throws Exception {
        try (CountingServer unread = new CountingServer(BODY); CountingServer healthy = new CountingServer(BODY)) {
            for (int i = 0; i < 3; i++) {
                HttpURLConnection c = (HttpURLConnection) new URL(unread.url("/big")).openConnection();
                c.getResponseCode();
                HELD.add(c.getInputStream()); // neither read nor closed
            }
            for (int i = 0; i < 3; i++) {
                HttpURLConnection c = (HttpURLConnection) new URL(healthy.url("/big")).openConnection();
                try (InputStream in = c.getInputStream()) {
                    in.readAllBytes();
                }
            }
            print("urlconnection", unread, healthy, "");
        }
    }

    @SuppressWarnings("deprecation") // execute(request) hands back the open response, which this case never closes
    private static void apache() throws Exception {
        RequestConfig wait = RequestConfig.custom().setConnectionRequestTimeout(Timeout.ofSeconds(1)).build();
        try (CountingServer unread = new CountingServer(BODY); CountingServer healthy = new CountingServer(BODY)) {
            CloseableHttpClient client = HttpClients.custom().setDefaultRequestConfig(wait).setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(2).setMaxConnPerRoute(2).build()).build();
            for (int i = 0; i < 2; i++) {
                ClassicHttpResponse response = client.execute(new HttpGet(unread.url("/big")));
                HELD.add(response); // never closed: its connection stays leased
            }
            long start = System.nanoTime();
            String third;
            try {
                HELD.add(client.execute(new HttpGet(unread.url("/big"))));
                third = "none";
            } catch (Exception e) {
                third = e.getClass().getName();
            }
            long waited = System.nanoTime() - start;
            try (CloseableHttpClient fine = HttpClients.custom().setDefaultRequestConfig(wait).setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(2).setMaxConnPerRoute(2).build()).build()) {
                for (int i = 0; i < 3; i++) {
                    fine.execute(new HttpGet(healthy.url("/big")), r -> EntityUtils.toByteArray(r.getEntity()));
                }
            }
            print("apache", unread, healthy, " third.error=" + third + " third.ms=" + millis(waited));
        }
    }

    private static void okHttp() throws Exception {
        List<String> leaks = new ArrayList<>();
        Logger okLogger = Logger.getLogger(OkHttpClient.class.getName());
        okLogger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (leaks) {
                    leaks.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        try (CountingServer unread = new CountingServer(BODY); CountingServer healthy = new CountingServer(BODY)) {
            OkHttpClient client = new OkHttpClient();
            dropUnclosed(client, unread.url("/big"));
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
            try (Response r = client.newCall(new Request.Builder().url(unread.url("/big")).build()).execute()) {
                r.body().bytes();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (leakLogs(leaks).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            for (int i = 0; i < 3; i++) {
                try (Response r = client.newCall(new Request.Builder().url(healthy.url("/big")).build()).execute()) {
                    r.body().bytes();
                }
            }
            List<String> leaked = leakLogs(leaks);
            for (String log : leaked) {
                System.out.println("okhttp said: " + log);
            }
            String address = leaked.isEmpty() ? "none" : leaked.get(0).replaceFirst("^A connection to (\\S+) was leaked.*", "$1");
            print("okhttp", unread, healthy, " leak.logs=" + leaked.size() + " leak.address=" + address);
        }
    }

    /** One GET whose response is dropped unread and unclosed: once it is collected, OkHttp finds its connection leaked. */
    private static void dropUnclosed(OkHttpClient client, String url) throws Exception {
        Response r = client.newCall(new Request.Builder().url(url).build()).execute();
        if (r.code() != 200) {
            throw new IllegalStateException("status " + r.code());
        }
    }

    private static List<String> leakLogs(List<String> logs) {
        synchronized (logs) {
            List<String> out = new ArrayList<>();
            for (String l : logs) {
                if (l.contains("was leaked")) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    private static void print(String client, CountingServer unread, CountingServer healthy, String more) {
        System.out.println("expect: client=" + client + " unread.port=" + unread.port() + " unread.connections="
            + unread.connections.get() + " unread.requests=" + unread.requests.get() + " healthy.port=" + healthy.port()
            + " healthy.connections=" + healthy.connections.get() + " healthy.requests=" + healthy.requests.get() + more);
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
