package io.connscope.agent.http;

import static io.connscope.agent.testing.Generators.cuts;
import static io.connscope.agent.testing.Generators.listOf;
import static io.connscope.agent.testing.Generators.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import io.connscope.agent.testing.Generators;
import io.connscope.agent.wire.AnalysisMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http2.hpack.HpackEncoder;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * An HTTP/2 connection, read through HttpConnection from its client preface on: streams (method,
 * path, status, body bytes, reset), SETTINGS, GOAWAY and PING come out the same however each
 * direction is split, whatever padding, priority fields and CONTINUATION frames carry them.
 */
class Http2FramesProperties {

    /** One stream: its request and response, and how their frames are dressed. */
    static final class Stream {
        final String method;
        final String path;
        final int status;
        final int requestBody;
        final int responseBody;
        final boolean reset;
        final int padding;
        final boolean priority;
        final boolean continuation;

        Stream(String method, String path, int status, int requestBody, int responseBody, boolean reset, int padding,
               boolean priority, boolean continuation) {
            this.method = method;
            this.path = path;
            this.status = status;
            this.requestBody = requestBody;
            this.responseBody = responseBody;
            this.reset = reset;
            this.padding = padding;
            this.priority = priority;
            this.continuation = continuation;
        }
    }

    private static Gen<List<Stream>> streams() {
        Gen<String> method = oneOf("GET", "POST", "PUT", "DELETE");
        Gen<String> path = strings().betweenCodePoints('a', 'z').ofLengthBetween(0, 40).map(s -> "/" + s);
        Gen<Integer> status = oneOf(200, 201, 204, 302, 404, 503);
        Gen<Integer> body = integers().between(0, 40_000);
        Gen<Boolean> reset = oneOf(false, false, true);
        Gen<Integer> padding = oneOf(-1, 0, 7, 255);
        Gen<Boolean> flag = booleans().all();
        Gen<Stream> stream = in -> new Stream(method.generate(in), path.generate(in), status.generate(in), body.generate(in),
            body.generate(in), reset.generate(in), padding.generate(in), flag.generate(in), flag.generate(in));
        return listOf(stream, 1, 6);
    }

    @Test
    void streamsAreTheSameHoweverSplit() {
        qt().withExamples(100).forAll(streams(), cuts(1, 6, 9000)).checkAssert(Http2FramesProperties::sameHoweverSplit);
    }

    private static void sameHoweverSplit(List<Stream> streams, List<Integer> cuts) {
        byte[][] wire = wire(streams);
        List<String> whole = run(wire, List.of(Integer.MAX_VALUE), false);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            expected.add((2 * i + 1) + " " + s.method + " " + s.path + " 2 " + s.status + " body="
                + (s.reset ? Math.min(s.responseBody, MAX_FRAME) : s.responseBody)
                + " failure=" + (s.reset ? "stream_reset reset_by=server" : "null reset_by=null"));
        }
        expected.add("settings client=100 server=7 goaway=server/" + (2 * streams.size() - 1) + "/0 pings=1/0");
        assertThat(whole).isEqualTo(expected);
        assertThat(run(wire, cuts, false)).isEqualTo(whole);
        assertThat(run(wire, List.of(1), true)).isEqualTo(whole);
    }

    @Test
    void hostileBytesNeverThrowAndStayBounded() {
        qt().withExamples(500).forAll(Generators.bytes(3000), Generators.bytes(3000), integers().between(1, 64))
            .checkAssert(Http2FramesProperties::hostileBytes);
    }

    private static void hostileBytes(byte[] client, byte[] server, int cut) {
        HttpConnection http = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        byte[] requests = H2Wire.concat(H2Wire.PREFACE, client);
        // The server's side starts as a server's must, with SETTINGS, then anything.
        byte[] responses = H2Wire.concat(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]), server);
        int[] i = {0};
        feed(http, true, requests, List.of(cut), i, false);
        feed(http, false, responses, List.of(cut), i, true);
        http.end(System.nanoTime());
        assertThat(http.http2()).isNotNull();
        assertThat(http.http2().streamsOpened()).isLessThanOrEqualTo(512);
    }

    private static Gen<byte[]> hostileFrames() {
        Gen<byte[]> frame = integers().between(0, 10).zip(integers().between(0, 255), integers().between(0, 20),
            Generators.bytes(200), (type, flags, stream, payload) -> H2Wire.frame(type, flags, stream, payload));
        return listOf(frame, 0, 40).map(frames -> frames.stream().reduce(new byte[0], H2Wire::concat));
    }

    /** Well-framed, but anything else: any type, flags, stream and payload, header blocks of random bytes. */
    @Test
    void hostileFramesNeverThrowAndStayBounded() {
        qt().withExamples(500).forAll(hostileFrames(), hostileFrames(), integers().between(1, 300))
            .checkAssert(Http2FramesProperties::hostileFrames);
    }

    private static void hostileFrames(byte[] client, byte[] server, int cut) {
        HttpConnection http = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        int[] i = {0};
        feed(http, true, H2Wire.concat(H2Wire.PREFACE, client), List.of(cut), i, false);
        feed(http, false, H2Wire.concat(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]), server), List.of(cut), i, false);
        http.end(System.nanoTime());
        assertThat(http.http2().streamsOpened()).isLessThanOrEqualTo(512);
    }

    @Test
    void hpackNeverThrowsOnHostileBlocks() {
        qt().withExamples(1000).forAll(listOf(Generators.bytes(255), 0, 500)).checkAssert(blocks -> {
            HpackDecoder decoder = new HpackDecoder(AnalysisMemory.unlimited().lease());
            for (byte[] block : blocks) {
                decoder.decode(block, 0, block.length);
            }
            assertThat(decoder.dynamicEntries()).isLessThanOrEqualTo(HpackDecoder.MAX_TABLE_SIZE / 32);
        });
    }

    private static final int MAX_FRAME = 16_384;

    private static List<String> run(byte[][] wire, List<Integer> cuts, boolean buffers) {
        List<String> out = new ArrayList<>();
        HttpConnection http = new HttpConnection(e -> out.add(e.http2StreamId() + " " + e.method() + " " + e.target()
            + " " + e.version() + " " + e.status() + " body=" + e.responseBodyBytes() + " failure=" + e.failure()
            + " reset_by=" + e.resetBy()), AnalysisMemory.unlimited().lease());
        int[] i = {0};
        feed(http, true, wire[0], cuts, i, buffers);
        feed(http, false, wire[1], cuts, i, buffers);
        http.end(System.nanoTime());
        out.sort((a, b) -> Integer.compare(Integer.parseInt(a.split(" ")[0]), Integer.parseInt(b.split(" ")[0])));
        Http2Session s = http.http2();
        out.add("settings client=" + s.client().maxConcurrentStreams() + " server=" + s.server().maxConcurrentStreams()
            + " goaway=" + s.goaway().by() + "/" + s.goaway().lastStreamId() + "/" + s.goaway().errorCode() + " pings="
            + s.client().pings() + "/" + s.server().pings());
        assertThat(s.hpackFailure()).isNull();
        assertThat(s.framingFailure()).isNull();
        return out;
    }

    private static void feed(HttpConnection http, boolean requests, byte[] b, List<Integer> cuts, int[] i,
                             boolean buffers) {
        int pos = 0;
        while (pos < b.length) {
            int n = Math.min(cuts.get(i[0]++ % cuts.size()), b.length - pos);
            if (buffers) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(n + 3);
                buffer.position(3);
                buffer.put(b, pos, n);
                http.feed(requests, buffer, 3, n);
            } else {
                http.feed(requests, b, pos, n);
            }
            pos += n;
        }
    }

    /** The client's bytes and the server's bytes. */
    private static byte[][] wire(List<Stream> streams) {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        client.writeBytes(H2Wire.PREFACE);
        H2Wire.frame(client, Http2Frames.SETTINGS, 0, 0, H2Wire.setting(Http2Session.MAX_CONCURRENT_STREAMS, 100));
        H2Wire.frame(server, Http2Frames.SETTINGS, 0, 0, H2Wire.concat(H2Wire.setting(Http2Session.MAX_CONCURRENT_STREAMS, 7),
            H2Wire.setting(Http2Session.INITIAL_WINDOW_SIZE, 1 << 20)));
        H2Wire.frame(client, Http2Frames.SETTINGS, Http2Frames.ACK, 0, new byte[0]);
        H2Wire.frame(client, Http2Frames.PING, 0, 0, new byte[8]);
        H2Wire.frame(server, Http2Frames.PING, Http2Frames.ACK, 0, new byte[8]);
        HpackEncoder requests = new HpackEncoder();
        HpackEncoder responses = new HpackEncoder();
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            int id = 2 * i + 1;
            boolean requestBody = s.requestBody > 0 && !s.method.equals("GET");
            headers(client, id, s, !requestBody, block(requests, new HttpField(":method", s.method),
                new HttpField(":scheme", "https"), new HttpField(":path", s.path), new HttpField("user-agent", "test")));
            if (requestBody) {
                data(client, id, s.requestBody, s.padding, true);
            }
            headers(server, id, s, s.responseBody == 0 && !s.reset, block(responses,
                new HttpField(":status", Integer.toString(s.status)), new HttpField("content-type", "text/plain")));
            if (s.reset) {
                data(server, id, Math.min(s.responseBody, MAX_FRAME), s.padding, false);
                H2Wire.frame(server, Http2Frames.RST_STREAM, 0, id, new byte[] {0, 0, 0, 2});
            } else if (s.responseBody > 0) {
                data(server, id, s.responseBody, s.padding, true);
            }
        }
        H2Wire.frame(server, Http2Frames.GOAWAY, 0, 0, H2Wire.concat(H2Wire.int32(2 * streams.size() - 1), H2Wire.int32(0)));
        return new byte[][] {client.toByteArray(), server.toByteArray()};
    }

    private static byte[] block(HpackEncoder encoder, HttpField... fields) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        for (HttpField f : fields) {
            encoder.encode(b, f);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static void headers(ByteArrayOutputStream out, int id, Stream s, boolean endStream, byte[] block) {
        int flags = endStream ? Http2Frames.END_STREAM : 0;
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        if (s.padding >= 0) {
            flags |= Http2Frames.PADDED;
            payload.write(s.padding);
        }
        if (s.priority) {
            flags |= Http2Frames.PRIORITY;
            payload.writeBytes(new byte[] {0, 0, 0, 0, 16});
        }
        int first = s.continuation ? block.length / 2 : block.length;
        payload.writeBytes(Arrays.copyOf(block, first));
        if (s.padding > 0) {
            payload.writeBytes(new byte[s.padding]);
        }
        H2Wire.frame(out, Http2Frames.HEADERS, flags | (s.continuation ? 0 : Http2Frames.END_HEADERS), id, payload.toByteArray());
        if (s.continuation) {
            H2Wire.frame(out, Http2Frames.CONTINUATION, Http2Frames.END_HEADERS, id, Arrays.copyOfRange(block, first, block.length));
        }
    }

    private static void data(ByteArrayOutputStream out, int id, int bytes, int padding, boolean endStream) {
        int left = bytes;
        do {
            int n = Math.min(left, MAX_FRAME);
            left -= n;
            int flags = left == 0 && endStream ? Http2Frames.END_STREAM : 0;
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            if (padding >= 0) {
                flags |= Http2Frames.PADDED;
                payload.write(padding);
            }
            payload.writeBytes(new byte[n]);
            if (padding > 0) {
                payload.writeBytes(new byte[padding]);
            }
            H2Wire.frame(out, Http2Frames.DATA, flags, id, payload.toByteArray());
        } while (left > 0);
    }
}
