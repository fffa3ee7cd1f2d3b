package io.connscope.agent.resp;

import static io.connscope.agent.testing.Generators.bytes;
import static io.connscope.agent.testing.Generators.cuts;
import static io.connscope.agent.testing.Generators.listOf;
import static io.connscope.agent.testing.Generators.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The RESP reader against an independent encoder, Netty's Redis codec: any stream of RESP2 values
 * Netty writes (simple strings, errors, integers, bulk strings with any bytes, null and nested
 * arrays) reads back as the same values, each with its encoded length and the words connscope keeps
 * (a command's name and first argument, upper-cased; a status's or an error's first word, as sent),
 * however the stream is split into reads, from arrays or from buffers.
 */
class RespReaderProperties {

    /** One value as generated: a type, and its text, bytes, number or elements; null bulk and array too. */
    static final class Node {
        final char type;
        final String text;
        final byte[] bulk;
        final long number;
        final List<Node> elements;

        Node(char type, String text, byte[] bulk, long number, List<Node> elements) {
            this.type = type;
            this.text = text;
            this.bulk = bulk;
            this.number = number;
            this.elements = elements;
        }

        /** Netty's message for it, made afresh: encoding releases its buffers. */
        RedisMessage netty() {
            switch (type) {
                case '+':
                    return new SimpleStringRedisMessage(text);
                case '-':
                    return new ErrorRedisMessage(text);
                case ':':
                    return new IntegerRedisMessage(number);
                case '$':
                    return bulk == null ? FullBulkStringRedisMessage.NULL_INSTANCE
                        : new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(bulk));
                default:
                    if (elements == null) {
                        return ArrayRedisMessage.NULL_INSTANCE;
                    }
                    List<RedisMessage> children = new ArrayList<>();
                    elements.forEach(e -> children.add(e.netty()));
                    return new ArrayRedisMessage(children);
            }
        }

        @Override
        public String toString() {
            return type + (text != null ? text : bulk != null ? new String(bulk, StandardCharsets.ISO_8859_1)
                : elements != null ? elements.toString() : type == ':' ? Long.toString(number) : "(null)");
        }
    }

    private static Gen<String> texts() {
        Gen<String> words = oneOf("OK", "ERR", "WRONGTYPE", "noauth", "MOVED", "", "x".repeat(40), "a b", " lead");
        return listOf(words, 1, 3).map(w -> String.join(" ", w));
    }

    private static Gen<byte[]> bulks() {
        Gen<byte[]> names = oneOf("get", "SET", "client", "SetInfo", "select", "y".repeat(45))
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        return in -> booleans().all().generate(in) ? names.generate(in) : bytes(100).generate(in);
    }

    private static Gen<Node> values(int depth) {
        Gen<Node> simple = texts().map(t -> new Node('+', t, null, 0, null));
        Gen<Node> error = texts().map(t -> new Node('-', t, null, 0, null));
        Gen<Node> integer = longs().all().map(n -> new Node(':', null, null, n, null));
        Gen<Node> bulk = bulks().map(b -> new Node('$', null, b, 0, null));
        Gen<Node> nullBulk = in -> new Node('$', null, null, 0, null);
        Gen<Node> nullArray = in -> new Node('*', null, null, 0, null);
        List<Gen<Node>> leaves = List.of(simple, error, integer, bulk, bulk, nullBulk, nullArray);
        return in -> {
            int pick = integers().between(0, depth == 0 ? leaves.size() - 1 : leaves.size()).generate(in);
            if (pick < leaves.size()) {
                return leaves.get(pick).generate(in);
            }
            return new Node('*', null, null, 0, listOf(values(depth - 1), 0, 4).generate(in));
        };
    }

    @Test
    void valuesReadBackAsNettyWroteThemHoweverSplit() {
        qt().withExamples(300).forAll(listOf(values(3), 1, 6), cuts(1, 8, 40), booleans().all())
            .checkAssert((stream, cuts, buffers) -> {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                List<String> expected = new ArrayList<>();
                for (Node value : stream) {
                    byte[] encoded = encode(value);
                    all.writeBytes(encoded);
                    expected.add(expectation(value, encoded.length));
                }
                assertThat(read(all.toByteArray(), cuts, buffers)).as("%s", stream).isEqualTo(expected);
            });
    }

    private static byte[] encode(Node value) {
        EmbeddedChannel channel = new EmbeddedChannel(new RedisEncoder());
        channel.writeOutbound(value.netty());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.writeBytes(bytes);
            b.release();
        }
        channel.finishAndReleaseAll();
        return out.toByteArray();
    }

    /** What the reader is to report of a top-level value: its type, its length and the words it keeps. */
    private static String expectation(Node value, int length) {
        String first = null;
        String second = null;
        if (value.type == '-' || value.type == '+') {
            first = word(value.text.getBytes(StandardCharsets.ISO_8859_1), false);
        } else if (value.type == '*' && value.elements != null) {
            first = value.elements.size() > 0 ? bulkWord(value.elements.get(0)) : null;
            second = value.elements.size() > 1 ? bulkWord(value.elements.get(1)) : null;
        }
        return value.type + " " + length + " " + first + " " + second;
    }

    private static String bulkWord(Node element) {
        return element.type == '$' && element.bulk != null ? word(element.bulk, true) : null;
    }

    /** Up to the first space, at most 32 bytes, a-z upper-cased when asked, each byte a char; null when empty. */
    private static String word(byte[] bytes, boolean upperCase) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, RespReader.WORD) && bytes[i] != ' '; i++) {
            int b = bytes[i] & 0xff;
            sb.append((char) (upperCase && b >= 'a' && b <= 'z' ? b - 32 : b));
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Feeds the stream in pieces of the cut sizes, used in turn; returns each value as reported. */
    private static List<String> read(byte[] stream, List<Integer> cuts, boolean buffers) {
        List<String> out = new ArrayList<>();
        RespReader[] reader = new RespReader[1];
        reader[0] = new RespReader(new RespReader.Values() {
            @Override
            public void started(byte type) {
            }

            @Override
            public void ended(long bytes) {
                RespReader r = reader[0];
                boolean command = r.topType() == '*';
                out.add((char) r.topType() + " " + bytes + " " + r.word(0, command) + " " + (command ? r.word(1, true) : null));
            }
        });
        Object data = buffers ? ByteBuffer.wrap(stream) : stream;
        int at = 0;
        for (int i = 0; at < stream.length; i++) {
            int n = Math.min(cuts.get(i % cuts.size()), stream.length - at);
            assertThat(reader[0].feed(data, at, n)).as("violation: %s", reader[0].violation()).isTrue();
            at += n;
        }
        return out;
    }
}
