package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Exchanges, as the rules see them (framing, body sizes, close announcements, truncation), are
 * the same however each direction is split into reads and writes.
 */
class HttpConnectionProperties {

    /** Request and response of one exchange; the last response may be close-delimited or cut short. */
    static final class Pair {
        final String request;
        final String response;

        Pair(String request, String response) {
            this.request = request;
            this.response = response;
        }
    }

    @Provide
    Arbitrary<List<Pair>> conversation() {
        Arbitrary<Pair> pair = Combinators.combine(Arbitraries.of("GET", "HEAD", "POST"), Arbitraries.of(200, 204, 404),
            Arbitraries.integers().between(0, 300), Arbitraries.of("", "Connection: close\r\n", "Keep-Alive: timeout=3\r\n"),
            Arbitraries.of("HTTP/1.1", "HTTP/1.0"), Arbitraries.of(true, false)).as((m, status, size, header, version, chunked) -> {
                String body = "b".repeat(size);
                String request = m + " /r?x=" + size + " " + version + "\r\n" + (m.equals("POST")
                    ? "Content-Length: " + size + "\r\n\r\n" + body : "\r\n");
                boolean noBody = m.equals("HEAD") || status == 204;
                String framing = noBody ? "Content-Length: 7\r\n\r\n" : chunked
                    ? "Transfer-Encoding: chunked\r\n\r\n" + (size == 0 ? "" : Integer.toHexString(size) + "\r\n" + body + "\r\n") + "0\r\n\r\n"
                    : "Content-Length: " + size + "\r\n\r\n" + body;
                return new Pair(request, "HTTP/1.1 " + status + " X\r\n" + header + framing);
            });
        Arbitrary<String> ending = Arbitraries.of("", "HTTP/1.1 200 OK\r\n\r\nuntil-close", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort",
            "HTTP/1.");
        return Combinators.combine(pair.list().ofMinSize(1).ofMaxSize(5), ending).as((pairs, end) -> {
            List<Pair> all = new ArrayList<>(pairs);
            if (!end.isEmpty()) {
                all.add(new Pair("GET /last HTTP/1.1\r\n\r\n", end));
            }
            return all;
        });
    }

    @Property
    void exchangesAreTheSameHoweverSplit(@ForAll("conversation") List<Pair> conversation,
                                         @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 50) Integer> cuts) {
        List<String> whole = run(conversation, List.of(Integer.MAX_VALUE));
        assertThat(whole).hasSize(conversation.size());
        assertThat(run(conversation, cuts)).isEqualTo(whole);
        assertThat(run(conversation, List.of(1))).isEqualTo(whole);
    }

    /** Feeds each exchange's request, then its response, in pieces; returns the exchanges as the rules read them. */
    private static List<String> run(List<Pair> conversation, List<Integer> cuts) {
        List<String> out = new ArrayList<>();
        HttpConnection http = new HttpConnection(e -> out.add(e.index + " " + e.method() + " " + e.version() + " "
            + e.status() + " " + e.responseVersion() + " body=" + e.responseBodyBytes() + "/" + e.responseDeclaredBytes()
            + " closeDelimited=" + e.closeDelimited() + " keepAliveHeaders=" + e.requestKeepAlive() + "/"
            + e.responseKeepAlive()
            + " after=" + e.afterCloseAnnouncedBy() + " keepAlive=" + e.keepAliveTimeoutSeconds() + " pipelined="
            + e.pipelined() + " failure=" + e.failure()), AnalysisMemory.unlimited().lease());
        int[] i = {0};
        for (Pair p : conversation) {
            feed(http, true, p.request, cuts, i);
            feed(http, false, p.response, cuts, i);
        }
        http.end(System.nanoTime());
        return out;
    }

    private static void feed(HttpConnection http, boolean requests, String wire, List<Integer> cuts, int[] i) {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < b.length) {
            int n = Math.min(cuts.get(i[0]++ % cuts.size()), b.length - pos);
            http.feed(requests, b, pos, n);
            pos += n;
        }
    }
}
