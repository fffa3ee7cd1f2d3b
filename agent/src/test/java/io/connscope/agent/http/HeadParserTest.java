package io.connscope.agent.http;

import static io.connscope.agent.testing.Generators.listOf;
import static io.connscope.agent.testing.Generators.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class HeadParserTest {

    /**
     * Parses the head where a read or write carried it: between the bytes before it (the end of an
     * earlier message) and the bytes after it (its body), which the parser must not read.
     */
    private static HttpHead parse(String head, boolean request) {
        byte[] b = ("x\r\n\r\n" + head + "\r\n\r\nHTTP/1.1 body").getBytes(StandardCharsets.ISO_8859_1);
        Object parsed = HeadParser.parse(b, 5, 5 + head.length(), request);
        assertThat(parsed).isInstanceOf(HttpHead.class);
        HttpHead alone = (HttpHead) HeadParser.parse(head.getBytes(StandardCharsets.ISO_8859_1), 0, head.length(), request);
        assertThat(parsed).usingRecursiveComparison().isEqualTo(alone);
        return (HttpHead) parsed;
    }

    @Test
    void aRequestsHostAndUserAgentAreKeptAResponsesAreNot() {
        HttpHead request = parse("GET / HTTP/1.1\r\nhOsT: api.example:8080 \r\nUser-Agent: curl/8.5.0\r\n"
            + "Connection: keep-alive\r\n\r\n", true);
        assertThat(request.host).isEqualTo("api.example:8080");
        assertThat(request.userAgent).isEqualTo("curl/8.5.0");
        assertThat(request.connectionKeepAlive).isTrue();
        HttpHead response = parse("HTTP/1.1 200 OK\r\nHost: x\r\nUser-Agent: y\r\n\r\n", false);
        assertThat(response.host).isNull();
        assertThat(response.userAgent).isNull();
        // Kept to 256 characters.
        HttpHead longAgent = parse("GET / HTTP/1.1\r\nUser-Agent: " + "a".repeat(300) + "\r\n\r\n", true);
        assertThat(longAgent.userAgent).hasSize(256).startsWith("aaa").endsWith("…");
    }

    @Test
    void connectionOptionsAreReadInOnePassWhateverTheirOrderAndSpacing() {
        HttpHead h = parse("GET / HTTP/1.1\r\nConnection:  Upgrade ,date,KEEP-ALIVE, host,close \r\n"
            + "Upgrade: websocket\r\n\r\n", true);
        assertThat(h.connectionClose).isTrue();
        assertThat(h.connectionKeepAlive).isTrue();
        assertThat(h.upgrade).isEqualTo("websocket");
        // The first of the end-to-end names in the rule's list order, not in the header's.
        assertThat(h.connectionNamesEndToEnd).isEqualTo("host");
    }

    @Test
    void connectionNamingOnlyHopByHopFieldsNamesNoEndToEndField() {
        HttpHead h = parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, x-custom\r\nKeep-Alive: timeout=5, max=9\r\n"
            + "Content-Length: 0\r\n\r\n", false);
        assertThat(h.connectionNamesEndToEnd).isNull();
        assertThat(h.connectionClose).isFalse();
        assertThat(h.keepAliveTimeoutSeconds).isEqualTo(5);
        assertThat(h.upgrade).isNull(); // Upgrade counts only when Connection lists it
    }

    @Test
    void standardMethodsAreSharedConstantsAndOthersAreRead() {
        assertThat(parse("POST / HTTP/1.1\r\n\r\n", true).method).isSameAs("POST");
        assertThat(parse("PROPFIND / HTTP/1.1\r\n\r\n", true).method).isEqualTo("PROPFIND");
        assertThat(parse("GETX / HTTP/1.1\r\n\r\n", true).method).isEqualTo("GETX");
    }

    private static final Gen<String> KNOWN_FIELDS = oneOf("Content-Length: 12", "Transfer-Encoding: chunked", "Connection: close",
            "Connection: keep-alive, content-type", "Keep-Alive: timeout=7", "Via: 1.1 p", "Forwarded: for=x",
            "X-Forwarded-For: 10.0.0.1", "Upgrade: h2c", "Proxy-Connection: keep-alive",
            "Traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "Idempotency-Key: k",
            "X-Other: close", "Content-Type: text/plain");

    /** Field names are case-insensitive (RFC 9110 §5.1): any casing of a name parses as its lower case. */
    @Test
    void fieldNamesAreMatchedCaseInsensitively() {
        qt().forAll(KNOWN_FIELDS, listOf(booleans().all(), 1, 20)).checkAssert(HeadParserTest::casedAsLowerCase);
    }

    private static void casedAsLowerCase(String field, List<Boolean> upper) {
        int colon = field.indexOf(':');
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < colon; i++) {
            char c = field.charAt(i);
            name.append(upper.get(i % upper.size()) ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        String cased = name + field.substring(colon);
        String lower = field.substring(0, colon).toLowerCase(Locale.ROOT) + field.substring(colon);
        assertThat(describe(parse("PUT / HTTP/1.1\r\n" + cased + "\r\n\r\n", true)))
            .isEqualTo(describe(parse("PUT / HTTP/1.1\r\n" + lower + "\r\n\r\n", true)));
    }

    private static String describe(HttpHead h) {
        return h.contentLength + " " + h.chunked + " " + h.connectionClose + " " + h.connectionKeepAlive + " "
            + h.upgrade + " " + h.keepAliveTimeoutSeconds + " " + h.proxyConnection + " " + h.connectionNamesEndToEnd
            + " " + h.keepAliveHeader + " " + h.forwarded + " " + h.traceparent + " " + h.idempotencyKey;
    }
}
