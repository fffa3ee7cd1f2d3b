package io.connscope.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The child JVM of {@link SlowNameResolutionScenario}: resolves {@code slow.demo}, connects to the
 * answer and sends a GET, twice, then once more 1.1 s after its first look-up, timing each look-up
 * itself. A look-up that shares the FIFO's one
 * answer with another (connscope's SDK looks the host's own name up as it starts) finds nothing and
 * is made again; the time printed is the one that answered.
 */
final class SlowLookupClient {

    private SlowLookupClient() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        StringBuilder truth = new StringBuilder("expect: slow.name.resolution=demo port=" + port);
        long firstLookup = 0;
        for (String step : new String[] {"first", "cached", "later"}) {
            if (step.equals("later")) {
                Thread.sleep(Math.max(0, 1100 - (System.nanoTime() - firstLookup) / 1_000_000));
            }
            long start = System.nanoTime();
            if (firstLookup == 0) {
                firstLookup = start; // its first attempt's start: a failed one counts as a look-up too
            }
            InetAddress[] answer = null;
            for (int attempt = 0; answer == null; attempt++) {
                start = System.nanoTime();
                try {
                    answer = InetAddress.getAllByName("slow.demo");
                } catch (UnknownHostException shared) {
                    if (attempt == 2) {
                        throw shared;
                    }
                }
            }
            truth.append(' ').append(step).append(".lookup.ms=")
                .append(String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(answer[0], port), 5000);
                OutputStream o = s.getOutputStream();
                o.write("GET / HTTP/1.1\r\nHost: slow.demo\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                s.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new IOException("GET to slow.demo failed", e);
            }
        }
        truth.append(" later.since.lookup.ms=").append((System.nanoTime() - firstLookup) / 1_000_000);
        System.out.println(truth);
    }
}
