package io.connscope.agent.http;

import static io.connscope.agent.testing.Generators.cuts;
import static io.connscope.agent.testing.Generators.listOf;
import static io.connscope.agent.testing.Generators.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

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

    private static Gen<List<Pair>> conversation() {
        Gen<String> methods = oneOf("GET", "HEAD", "POST");
        Gen<Integer> statuses = oneOf(200, 204, 404);
        Gen<Integer> sizes = integers().between(0, 300);
        Gen<String> headers = oneOf("", "Connection: close\r\n", "Keep-Alive: timeout=3\r\n");
        Gen<String> versions = oneOf("HTTP/1.1", "HTTP/1.0");
        Gen<Boolean> chunkings = booleans().all();
        Gen<Pair> pair = in -> {
            String m = methods.generate(in);
            int status = statuses.generate(in);
            int size = sizes.generate(in);
            String header = headers.generate(in);
            String version = versions.generate(in);
            boolean chunked = chunkings.generate(in);
            String body = "b".repeat(size);
            String request = m + " /r?x=" + size + " " + version + "\r\n" + (m.equals("POST")
                ? "Content-Length: " + size + "\r\n\r\n" + body : "\r\n");
            boolean noBody = m.equals("HEAD") || status == 204;
            String framing = noBody ? "Content-Length: 7\r\n\r\n" : chunked
                ? "Transfer-Encoding: chunked\r\n\r\n" + (size == 0 ? "" : Integer.toHexString(size) + "\r\n" + body + "\r\n") + "0\r\n\r\n"
                : "Content-Length: " + size + "\r\n\r\n" + body;
            return new Pair(request, "HTTP/1.1 " + status + " X\r\n" + header + framing);
        };
        Gen<String> ending = oneOf("", "HTTP/1.1 200 OK\r\n\r\nuntil-close", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort",
            "HTTP/1.");
        return listOf(pair, 1, 5).zip(ending, (pairs, end) -> {
            List<Pair> all = new ArrayList<>(pairs);
            if (!end.isEmpty()) {
                all.add(new Pair("GET /last HTTP/1.1\r\n\r\n", end));
            }
            return all;
        });
    }

    @Test
    void exchangesAreTheSameHoweverSplit() {
        qt().forAll(conversation(), cuts(1, 6, 50)).checkAssert((conversation, cuts) -> {
            List<String> whole = run(conversation, List.of(Integer.MAX_VALUE));
            assertThat(whole).hasSize(conversation.size());
            assertThat(run(conversation, cuts)).isEqualTo(whole);
            assertThat(run(conversation, List.of(1))).isEqualTo(whole);
        });
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
