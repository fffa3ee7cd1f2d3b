package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.HostileTargetApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.HostilePeers;
import io.connscope.testsupport.Jvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile peers against an application in a 64 MiB heap, with and without connscope. What the
 * application measures itself (bytes and requests received, heap after a full GC) is the truth;
 * with connscope the application must survive, and its heap after GC may exceed the heap without
 * connscope by at most connscope's documented budget: the analysis memory budget (a sixteenth of
 * the heap here, 4 MiB) and its fixed state per connection followed.
 */
class HostilePeersIT {

    private static final String HEAP = "-Xmx64m";
    private static final long ANALYSIS_BUDGET = 4L << 20;
    /**
     * connscope's fixed state per followed connection (its record, its HTTP analysis, its registry
     * entry), at most: about 1.9 KB measured, and 1 KB more for an HTTP/2 connection's stream table
     * (2.9 KB measured).
     */
    private static final long PER_CONNECTION = 2048;
    private static final long PER_HTTP2_CONNECTION = 3584;
    private static final Pattern REFUSED = Pattern.compile("(\\d+) connection\\(s\\) were not analysed for HTTP");

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void thousandsOfUnfinishedHttp1HeadsCannotExhaustTheHeap(Jvm jvm) throws Exception {
        // Each head grows its buffer to 16 KiB: the budget holds 256 of them, the others are refused.
        Outcome with = attack(jvm, 4_500, PER_CONNECTION, i -> HostilePeers.unfinishedHead(16_000));
        assertThat(with.refused).isBetween(4_500L - ANALYSIS_BUDGET / (16 * 1024), 4_500L);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void unfinishedHttp2HeaderBlocksCannotExhaustTheHeap(Jvm jvm) throws Exception {
        // Each block grows its buffer to 64 KiB: the budget holds 64 of them, the others are refused.
        Outcome with = attack(jvm, 1_200, PER_HTTP2_CONNECTION, i -> HostilePeers.unfinishedHeaderBlock(60_000));
        assertThat(with.refused).isBetween(1_200L - ANALYSIS_BUDGET / (64 * 1024), 1_200L);
    }

    /** The fuzzing run: random heads, header blocks, frames and bytes, over many connections held open. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void randomHeadsBlocksAndFramesHeldOpenStayWithinTheBudget(Jvm jvm) throws Exception {
        long seed = System.nanoTime();
        System.out.println("HostilePeersIT fuzz seed " + seed + " on " + jvm);
        int connections = 2_000;
        Random random = new Random(seed);
        byte[][] payloads = new byte[connections][];
        for (int i = 0; i < connections; i++) {
            payloads[i] = HostilePeers.fuzz(random, 1 + random.nextInt(48 * 1024));
        }
        attack(jvm, connections, PER_HTTP2_CONNECTION, i -> payloads[i]);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void keepAliveRequestsWithLongPathsLeaveNothingBehindPerExchange(Jvm jvm) throws Exception {
        int connections = 60;
        int perConnection = 150;
        int every = 1_500;
        String path = "/" + "p".repeat(15 * 1024);
        // A cache of its own, so that what this test measures does not hang on what other tests left in the shared one:
        // the first start weaves the JDK classes (Byte Buddy's classes stay loaded), the second loads them woven.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("hostile");
        Map<String, Long> without = keepAlive(ChildJvm.on(jvm).withoutAgent(), connections, perConnection, every, path);
        Map<String, Long> weaving = keepAlive(withReport(jvm, dir), connections, perConnection, every, path);
        Map<String, Long> with = keepAlive(withReport(jvm, dir), connections, perConnection, every, path);
        System.out.printf("HostilePeersIT keep-alive on %s: heap after GC without %s, with connscope weaving %s, "
            + "with its classes cached %s%n", jvm, without, weaving, with);
        // The HTML report keeps as many exchanges as connections (report.connections, 5,000 here), paths cut to 128
        // characters; past that, nothing more is kept however many requests come.
        long first = with.get("checkpoint " + every);
        long last = with.get("checkpoint " + connections * perConnection);
        long beforeLast = with.get("checkpoint " + (connections * perConnection - every));
        assertThat(last - first).as("heap growth with connscope over %d requests", connections * perConnection - every)
            .isLessThan(2L << 20);
        assertThat(last - beforeLast).as("heap growth over the last %d requests", every).isLessThan(256 * 1024);
        // connscope's own heap, whatever the traffic (its classes' statics, the SDK's, the bridge's scratch), is
        // there from the start: about 2.4 MB beyond the application's own after the first checkpoint, and about
        // 0.7 MB more on a start that weaves (Byte Buddy's classes, which stay loaded).
        long own = without.get("checkpoint " + every);
        assertThat(first - own).as("connscope's share at the first checkpoint, classes cached").isLessThan(3L << 20);
        assertThat(weaving.get("checkpoint " + every) - own).as("connscope's share at the first checkpoint, weaving")
            .isLessThan(3584L << 10);
    }

    private static ChildJvm withReport(Jvm jvm, java.nio.file.Path dir) {
        return ChildJvm.on(jvm).env("CONNSCOPE_INSTRUMENT_CACHE", dir.resolve("cache").toString())
            .agentArgs("report.html=" + dir.resolve("report.html") + ",report.connections=5000");
    }

    /** The attack without connscope and with it; the outcome with it. */
    private static Outcome attack(Jvm jvm, int connections, long perConnection, IntFunction<byte[]> payload)
        throws Exception {
        Outcome without = run(ChildJvm.on(jvm).withoutAgent(), connections, payload);
        Outcome with = run(ChildJvm.on(jvm), connections, payload);
        System.out.printf("HostilePeersIT on %s, %d connections: heap after GC without connscope %d, with %d (+%d)%n",
            jvm, connections, without.heap, with.heap, with.heap - without.heap);
        assertThat(with.result.stderr).doesNotContain("OutOfMemoryError");
        assertThat(with.heap - without.heap).as("heap after GC beyond the application's own")
            .isLessThan(ANALYSIS_BUDGET + connections * perConnection);
        // Still followed as TCP, exactly: the application's own count of connections and bytes.
        String report = with.result.stderr;
        assertThat(report).containsPattern("(?m)^  :" + with.port + " +" + connections + " +0 +0 +" + with.bytes + " ");
        Matcher refused = REFUSED.matcher(report);
        if (refused.find()) {
            assertThat(report).contains("the analysis memory budget, " + ANALYSIS_BUDGET + " bytes");
            with.refused = Long.parseLong(refused.group(1));
        }
        return with;
    }

    /** One run: the attack, then the application's own account once it has read every byte. */
    private static Outcome run(ChildJvm child, int connections, IntFunction<byte[]> payload) throws Exception {
        long total = 0;
        for (int i = 0; i < connections; i++) {
            total += payload.apply(i).length;
        }
        try (ChildJvm.Running target = child.jvmArg(HEAP).timeoutSeconds(300)
                 .startFixture(HostileTargetApp.class, "discard", Long.toString(total));
             HostilePeers peers = new HostilePeers()) {
            int port = Integer.parseInt(target.awaitLine("server=listening", 60).get("port"));
            peers.send(port, connections, payload);
            ChildJvm.Result result = target.awaitExit(300).assertSuccess();
            Map<String, String> own = result.expectLine("result=discarded");
            assertThat(Long.parseLong(own.get("bytes"))).as("bytes the application read").isEqualTo(total);
            assertThat(Integer.parseInt(own.get("connections"))).isEqualTo(connections);
            return new Outcome(result, port, total, Long.parseLong(own.get("heap-after-gc")));
        }
    }

    /** Keep-alive GETs with long paths, one connection after another; the heap after GC at each checkpoint and the end. */
    private static Map<String, Long> keepAlive(ChildJvm child, int connections, int perConnection, int every, String path)
        throws Exception {
        int requests = connections * perConnection;
        try (ChildJvm.Running target = child.jvmArg(HEAP).timeoutSeconds(300)
                 .startFixture(HostileTargetApp.class, "http", Integer.toString(requests), Integer.toString(every))) {
            int port = Integer.parseInt(target.awaitLine("server=listening", 60).get("port"));
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: target\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int c = 0; c < connections; c++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(60_000); // a target that died must fail the test, not hang it
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    for (int r = 0; r < perConnection; r++) {
                        out.write(request);
                        out.flush();
                        readResponse(in);
                    }
                }
            }
            ChildJvm.Result result = target.awaitExit(300).assertSuccess();
            assertThat(result.stderr).doesNotContain("OutOfMemoryError");
            assertThat(result.expectLine("result=served").get("requests")).isEqualTo(Integer.toString(requests));
            Map<String, Long> heap = new java.util.TreeMap<>();
            for (String line : result.stdout.split("\n")) {
                if (line.startsWith("expect: checkpoint=")) {
                    Map<String, String> kv = kv(line);
                    heap.put("checkpoint " + kv.get("requests"), Long.parseLong(kv.get("heap-after-gc")));
                }
            }
            heap.put("end", Long.parseLong(result.expectLine("result=served").get("heap-after-gc")));
            return heap;
        }
    }

    private static Map<String, String> kv(String line) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String part : line.substring("expect:".length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    /** Reads one "HTTP/1.1 200 OK ... Content-Length: 2 ... ok" response. */
    private static void readResponse(InputStream in) throws IOException {
        String expected = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        byte[] b = in.readNBytes(expected.length());
        assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo(expected);
    }

    private static final class Outcome {
        final ChildJvm.Result result;
        final int port;
        final long bytes;
        final long heap;
        /** Connections whose analysis the budget refused, as the report says. */
        long refused;

        Outcome(ChildJvm.Result result, int port, long bytes, long heap) {
            this.result = result;
            this.port = port;
            this.bytes = bytes;
            this.heap = heap;
        }
    }
}
