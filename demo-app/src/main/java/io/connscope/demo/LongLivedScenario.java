package io.connscope.demo;

import java.io.PrintStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A pooled connection that outlives connscope's snapshot interval: HttpURLConnection sends a GET
 * every 250 ms for 3 seconds on one keep-alive connection, which then sits idle in its cache. Run
 * with {@code connscope.snapshot.interval.ms=1000} to see it described each second while it lives.
 * The client notes when each of its requests started and ended, the truth the snapshots must match.
 */
final class LongLivedScenario implements Scenario {

    static final int REQUESTS = 12;
    static final int EVERY_MS = 250;
    static final int IDLE_MS = 2500;

    @Override
    public String name() {
        return "long-lived";
    }

    @Override
    public String description() {
        return "one keep-alive connection used every " + EVERY_MS + " ms for 3 s, then idle: described while it lives"
            + " (connscope.snapshot.interval.ms)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        try (HttpDemoServer server = new HttpDemoServer()) {
            URL url = server.url("/long-lived");
            List<Long> starts = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                long next = System.currentTimeMillis() + EVERY_MS;
                starts.add(System.currentTimeMillis());
                HttpDemoServer.request(url, "GET", false, null);
                ends.add(System.currentTimeMillis());
                Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
            }
            Thread.sleep(IDLE_MS);
            out.println("  " + REQUESTS + " requests on one connection, then " + IDLE_MS + " ms idle");
            out.println("expect: long.lived=http port=" + url.getPort() + " server.requests=" + server.requests()
                + " client.starts.ms=" + join(starts) + " client.ends.ms=" + join(ends));
        }
    }

    private static String join(List<Long> times) {
        return times.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
