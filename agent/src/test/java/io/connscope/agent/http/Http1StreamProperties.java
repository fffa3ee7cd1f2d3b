package io.connscope.agent.http;

import static io.connscope.agent.testing.Generators.cuts;
import static io.connscope.agent.testing.Generators.listOf;
import static io.connscope.agent.testing.Generators.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import io.connscope.agent.testing.Generators;
import io.connscope.agent.wire.AnalysisMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The parser's result is the same however the bytes are split, and it stays bounded on any input. */
class Http1StreamProperties {

    /** One request/response pair, written as it would appear on the wire. */
    static final class Exchange {
        final String method;
        final byte[] request;
        final byte[] response;

        Exchange(String method, byte[] request, byte[] response) {
            this.method = method;
            this.request = request;
            this.response = response;
        }
    }

    private static Gen<List<Exchange>> traffic() {
        Gen<String> methods = oneOf("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");
        Gen<Integer> statuses = oneOf(200, 201, 204, 304, 404, 500);
        Gen<Integer> framing = integers().between(0, 2); // none or length, length, chunked
        Gen<List<Integer>> chunks = listOf(integers().between(1, 120), 0, 4);
        Gen<Boolean> interims = booleans().all();
        Gen<Exchange> exchange = in -> {
            String m = methods.generate(in);
            int status = statuses.generate(in);
            int reqFraming = framing.generate(in);
            int respFraming = framing.generate(in);
            List<Integer> sizes = chunks.generate(in);
            boolean interim = interims.generate(in);
            StringBuilder req = new StringBuilder(m).append(" /p?q=").append(sizes.size()).append(" HTTP/1.1\r\n")
                .append("Host: example\r\n");
            appendBody(req, m.equals("GET") || m.equals("HEAD") ? 0 : reqFraming, sizes);
            StringBuilder resp = new StringBuilder();
            if (interim) {
                resp.append("HTTP/1.1 100 Continue\r\n\r\n");
            }
            resp.append("HTTP/1.1 ").append(status).append(" X\r\n");
            boolean noBody = m.equals("HEAD") || status == 204 || status == 304;
            if (noBody) {
                resp.append("Content-Length: 42\r\n\r\n");
            } else {
                appendBody(resp, respFraming == 0 ? 1 : respFraming, sizes);
            }
            return new Exchange(m, bytes(req), bytes(resp));
        };
        return listOf(exchange, 1, 6);
    }

    private static void appendBody(StringBuilder b, int framing, List<Integer> sizes) {
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        if (framing == 1) {
            b.append("Content-Length: ").append(total).append("\r\n\r\n").append("x".repeat(total));
        } else if (framing == 2) {
            b.append("Transfer-Encoding: chunked\r\n\r\n");
            for (int s : sizes) {
                b.append(Integer.toHexString(s)).append(s % 2 == 0 ? ";e=1" : "").append("\r\n").append("y".repeat(s)).append("\r\n");
            }
            b.append("0\r\n").append(sizes.size() % 2 == 0 ? "Trailer-A: 1\r\n" : "").append("\r\n");
        } else {
            b.append("\r\n");
        }
    }

    private static byte[] bytes(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void requestsParseTheSameHoweverSplit() {
        qt().forAll(traffic(), cuts(1, 8, 40)).checkAssert(Http1StreamProperties::requestsParseTheSameHoweverSplit);
    }

    private static void requestsParseTheSameHoweverSplit(List<Exchange> traffic, List<Integer> cuts) {
        byte[] wire = concat(traffic, true);
        List<String> whole = run(true, wire, List.of(wire.length), false, methods(traffic));
        assertThat(whole).filteredOn(e -> e.startsWith("request")).hasSize(traffic.size());
        assertThat(whole).noneMatch(e -> e.contains("opaque") || e.contains("malformed") || e.contains("TRUNCATED"));
        assertThat(run(true, wire, cuts, false, methods(traffic))).isEqualTo(whole);
        assertThat(run(true, wire, List.of(1), true, methods(traffic))).isEqualTo(whole);
    }

    @Test
    void responsesParseTheSameHoweverSplit() {
        qt().forAll(traffic(), cuts(1, 8, 40)).checkAssert(Http1StreamProperties::responsesParseTheSameHoweverSplit);
    }

    private static void responsesParseTheSameHoweverSplit(List<Exchange> traffic, List<Integer> cuts) {
        byte[] wire = concat(traffic, false);
        List<String> whole = run(false, wire, List.of(wire.length), false, methods(traffic));
        assertThat(whole).filteredOn(e -> e.startsWith("end")).hasSize(traffic.size());
        assertThat(whole).noneMatch(e -> e.contains("opaque") || e.contains("malformed") || e.contains("TRUNCATED"));
        assertThat(run(false, wire, cuts, true, methods(traffic))).isEqualTo(whole);
        assertThat(run(false, wire, List.of(1), false, methods(traffic))).isEqualTo(whole);
    }

    @Test
    void anyBytesAreHandledWithoutExceptionsBoundedAndSplitInvariant() {
        qt().forAll(hostile(), booleans().all(), cuts(1, 8, 64)).checkAssert(Http1StreamProperties::splitInvariant);
    }

    private static void splitInvariant(byte[] wire, boolean requests, List<Integer> cuts) {
        List<String> whole = run(requests, wire, List.of(Math.max(1, wire.length)), false, new String[] {"GET", "HEAD"});
        assertThat(run(requests, wire, cuts, true, new String[] {"GET", "HEAD"})).isEqualTo(whole);
        assertThat(run(requests, wire, List.of(1), false, new String[] {"GET", "HEAD"})).isEqualTo(whole);
    }

    /**
     * A stream cut at any offset, as a closed connection cuts it, never throws and never reads as
     * malformed; what it reports before the cut is what the whole stream reports, except that the
     * message the cut falls in may end truncated.
     */
    @Test
    void everyTruncationAgreesWithTheWholeStreamUpToTheCut() {
        qt().withExamples(40).forAll(traffic(), booleans().all()).checkAssert(Http1StreamProperties::truncationsAgree);
    }

    private static void truncationsAgree(List<Exchange> traffic, boolean requests) {
        byte[] wire = concat(traffic, requests);
        List<String> whole = run(requests, wire, List.of(wire.length), false, methods(traffic));
        for (int cut = 0; cut <= wire.length; cut++) {
            List<String> events = run(requests, Arrays.copyOf(wire, cut), List.of(Math.max(1, cut)), false,
                methods(traffic));
            assertThat(events).noneMatch(e -> e.startsWith("malformed") || e.startsWith("opaque"));
            List<String> settled = events.stream().filter(e -> !e.endsWith("TRUNCATED")).collect(Collectors.toList());
            assertThat(settled.size()).isLessThanOrEqualTo(whole.size());
            assertThat(whole.subList(0, settled.size())).as("cut at %d", cut).isEqualTo(settled);
        }
    }

    private static Gen<byte[]> hostile() {
        Gen<byte[]> random = Generators.bytes(2000);
        Gen<String> prefixes = oneOf("GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET / HTTP/1.1\r\nX: a\r\n b\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
            "GET / HTTP/1.1\r\nX-Nul: \u0000a\u0000\r\n\r\n",
            "GET / HTTP/1.1\r\nX-Utf8: \u00c3\u0028\u00ff\u00fe\r\n\r\n",
            "GET /\u0000 HTTP/1.1\r\n\r\n", "");
        Gen<byte[]> prefixed = prefixes.zip(random, (p, r) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(bytes(p));
            out.writeBytes(r);
            return out.toByteArray();
        });
        Gen<byte[]> hugeHeads = integers().between(15_000, 40_000)
            .map(n -> bytes("GET / HTTP/1.1\r\nX-Big: " + "a".repeat(n) + "\r\n\r\n"));
        return Generate.oneOf(random, prefixed, hugeHeads);
    }

    private static String[] methods(List<Exchange> traffic) {
        return traffic.stream().map(e -> e.method).toArray(String[]::new);
    }

    private static byte[] concat(List<Exchange> traffic, boolean requests) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Exchange e : traffic) {
            out.writeBytes(requests ? e.request : e.response);
        }
        return out.toByteArray();
    }

    /**
     * Feeds the bytes in pieces of the given sizes (cycled), through a direct buffer, or else through
     * byte[] and, every other piece, a heap buffer whose array holds them at an offset.
     */
    private static List<String> run(boolean requests, byte[] wire, List<Integer> cuts, boolean direct, String[] methods) {
        EventLog log = new EventLog(methods);
        Http1Stream s = new Http1Stream(requests, log, AnalysisMemory.unlimited().lease());
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(wire.length + 1) : null;
        if (buffer != null) {
            buffer.put(wire);
        }
        byte[] shifted = new byte[wire.length + 14];
        Arrays.fill(shifted, (byte) '\n');
        System.arraycopy(wire, 0, shifted, 7, wire.length);
        ByteBuffer heap = ByteBuffer.wrap(shifted, 7, wire.length).slice();
        int pos = 0;
        int i = 0;
        while (pos < wire.length) {
            int n = Math.min(cuts.get(i++ % cuts.size()), wire.length - pos);
            if (direct) {
                s.feed(buffer, pos, n);
            } else if (i % 2 == 0) {
                s.feed(heap, pos, n);
            } else {
                s.feed(wire, pos, n);
            }
            pos += n;
            assertThat(s.headCapacity()).isLessThanOrEqualTo(Http1Stream.MAX_HEAD);
        }
        s.end(false);
        return new ArrayList<>(log.events);
    }
}
