package io.connscope.agent.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RESP3's types, which the RESP2 encoder of the property test cannot write, and the streams that
 * are not RESP.
 */
class RespReaderTest {

    /** Each top-level value read: its type and length. */
    private final List<String> values = new ArrayList<>();
    private final RespReader reader = reader();

    private RespReader reader() {
        RespReader[] r = new RespReader[1];
        r[0] = new RespReader(new RespReader.Values() {
            @Override
            public void started(byte type) {
            }

            @Override
            public void ended(long bytes) {
                values.add((char) r[0].topType() + "" + bytes);
            }
        });
        return r[0];
    }

    private boolean feed(String s) {
        return feed(reader, s);
    }

    private static boolean feed(RespReader r, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return r.feed(b, 0, b.length);
    }

    @Test
    void resp3ValuesAreReadWholeMapsAndAttributesAsPairs() {
        String map = "%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n#t\r\n_\r\n";
        String set = "~2\r\n,1.5\r\n(12345678901234567890\r\n";
        String push = ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n=7\r\ntxt:abc\r\n";
        String attribute = "|1\r\n+ttl\r\n:3\r\n";
        String blobError = "!9\r\nERR boom!\r\n";
        assertThat(feed(map + set + push + attribute + "+OK\r\n" + blobError)).isTrue();
        assertThat(values).containsExactly("%" + map.length(), "~" + set.length(), ">" + push.length(),
            "|" + attribute.length(), "+5", "!" + blobError.length());
    }

    @Test
    void anAttributeInsideAnAggregateIsNoElementOfIt() {
        String nested = "*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n";
        String empty = "*1\r\n|0\r\n:1\r\n";
        assertThat(feed(nested + empty + "+OK\r\n")).isTrue();
        assertThat(values).containsExactly("*" + nested.length(), "*" + empty.length(), "+5");
    }

    @Test
    void statusesAndErrorsKeepTheirFirstWordAsSent() {
        assertThat(feed("-my_err something broke\r\n")).isTrue();
        assertThat(reader.word(0, false)).isEqualTo("my_err");
        assertThat(feed("!21\r\nSYNTAX invalid syntax\r\n")).isTrue();
        assertThat(reader.word(0, false)).isEqualTo("SYNTAX");
        assertThat(feed("+QUEUED\r\n")).isTrue();
        assertThat(reader.word(0, false)).isEqualTo("QUEUED");
    }

    @Test
    void anUnknownTypeIsNotResp() {
        assertThat(feed("+OK\r\nGET / HTTP/1.1\r\n")).isFalse();
        assertThat(reader.violation()).isEqualTo("a value of unknown type");
        assertThat(values).containsExactly("+5");
        assertThat(feed("+OK\r\n")).as("nothing more is read").isFalse();
        assertThat(values).hasSize(1);
    }

    @Test
    void aLengthMustBeANumberAndALineEndWithCrlf() {
        assertThat(feed("$x\r\n")).isFalse();
        assertThat(reader.violation()).isEqualTo("a length that is not a number");
        RespReader other = reader();
        assertThat(feed(other, "+OK\r\r")).isFalse();
        assertThat(other.violation()).isEqualTo("a line not ended by CRLF");
    }

    @Test
    void aLengthIsDigitsOrTheNullsMinusOne() {
        for (String bad : new String[] {"$\r\n", "*\r\n", "$-5\r\n", "*-\r\n", "$-10\r\n"}) {
            RespReader r = reader();
            assertThat(feed(r, bad)).as(bad).isFalse();
            assertThat(r.violation()).isEqualTo("a length that is not a number");
        }
        assertThat(feed("$-1\r\n*-1\r\n$0\r\n\r\n")).isTrue();
        assertThat(values).containsExactly("$5", "*5", "$6");
    }

    @Test
    void aBulkStringLongerThanItsLengthIsNotResp() {
        assertThat(feed("$2\r\nabc\r\n")).isFalse();
        assertThat(reader.violation()).isEqualTo("a bulk string longer than its length");
    }

    @Test
    void nestingIsBounded() {
        assertThat(feed("*1\r\n".repeat(RespReader.MAX_DEPTH) + "*1\r\n")).isFalse();
        assertThat(reader.violation()).isEqualTo("values nested deeper than 32");
    }
}
