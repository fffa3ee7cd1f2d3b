package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** gRPC on an HTTP/2 stream: what makes one, its status from the trailers, and its messages counted from their prefixes. */
class GrpcCallTest extends H2Conversation {

    private static final int RST_STREAM = 3;

    /** :method POST, :scheme http, :path /demo.Echo/Say, content-type as given (literal, not indexed). */
    private static byte[] request(String contentType) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x83); // :method POST
        b.write(0x86); // :scheme http
        literal(b, 4, "/demo.Echo/Say"); // :path
        literal(b, 31, contentType); // content-type
        return b.toByteArray();
    }

    /** A literal field without indexing, its name from the static table. */
    private static void literal(ByteArrayOutputStream b, int nameIndex, String value) {
        if (nameIndex < 15) {
            b.write(nameIndex);
        } else {
            b.write(0x0F);
            b.write(nameIndex - 15);
        }
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        b.write(v.length);
        b.writeBytes(v);
    }

    /** A literal field without indexing, with a new name. */
    private static byte[] newName(String name, String value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(name.length());
        b.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        b.write(value.length());
        b.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** gRPC messages of these sizes, each with its 5-byte prefix, as one byte stream. */
    private static byte[] messages(int... sizes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int size : sizes) {
            b.write(0);
            b.writeBytes(H2Wire.int32(size));
            b.writeBytes(new byte[size]);
        }
        return b.toByteArray();
    }

    @Test
    void aCallsStatusComesFromItsTrailersAndItsMessagesFromTheirPrefixesHoweverTheDataIsCut() {
        Random random = new Random(20261204);
        for (int round = 0; round < 50; round++) {
            finished.clear();
            HttpConnection c = new HttpConnection(finished::add, AnalysisMemory.unlimited().lease());
            byte[] preface = H2Wire.PREFACE;
            c.feed(true, preface, 0, preface.length);
            byte[] settings = H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]);
            c.feed(false, settings, 0, settings.length);
            byte[] head = H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 1, request("application/grpc+proto"));
            c.feed(true, head, 0, head.length);
            int[] sizes = {0, 1, 300, 17, 70_000};
            byte[] body = messages(sizes);
            // The messages cut into DATA frames at random places, and the frames fed in random pieces.
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int at = 0; at < body.length; ) {
                int n = Math.min(body.length - at, 1 + random.nextInt(16_000));
                byte[] part = java.util.Arrays.copyOfRange(body, at, at + n);
                at += n;
                H2Wire.frame(frames, H2Wire.DATA, at == body.length ? H2Wire.END_STREAM : 0, 1, part);
            }
            byte[] wire = frames.toByteArray();
            for (int at = 0; at < wire.length; ) {
                int n = Math.min(wire.length - at, 1 + random.nextInt(5_000));
                c.feed(true, wire, at, n);
                at += n;
            }
            byte[] response = H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 1, new byte[] {(byte) 0x88});
            c.feed(false, response, 0, response.length);
            byte[] answer = H2Wire.frame(H2Wire.DATA, 0, 1, messages(5, 6));
            c.feed(false, answer, 0, answer.length);
            byte[] trailers = H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1,
                H2Wire.concat(newName("grpc-status", "14"), newName("grpc-message", "going%20away")));
            c.feed(false, trailers, 0, trailers.length);
            assertThat(finished).as("round %d", round).singleElement().satisfies(e -> {
                GrpcCall call = e.grpc();
                assertThat(call.service()).isEqualTo("demo.Echo");
                assertThat(call.method()).isEqualTo("Say");
                assertThat(call.requestMessages()).isEqualTo(sizes.length);
                assertThat(call.responseMessages()).isEqualTo(2);
                assertThat(call.status()).isEqualTo(14);
                assertThat(GrpcCall.statusName(call.status())).isEqualTo("UNAVAILABLE");
                assertThat(call.message()).isEqualTo("going%20away");
            });
        }
    }

    @Test
    void onlyApplicationGrpcIsGrpcNotGrpcWeb() {
        assertThat(HpackDecoder.isGrpc("application/grpc")).isTrue();
        assertThat(HpackDecoder.isGrpc("application/grpc+json")).isTrue();
        assertThat(HpackDecoder.isGrpc("application/grpc; charset=utf-8")).isTrue();
        assertThat(HpackDecoder.isGrpc("application/grpc-web")).isFalse();
        assertThat(HpackDecoder.isGrpc("application/grpc-web-text")).isFalse();
        assertThat(HpackDecoder.isGrpc("application/json")).isFalse();
        open();
        client(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, request("application/grpc-web")));
        server(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, new byte[] {(byte) 0x88}));
        assertThat(finished).singleElement().satisfies(e -> assertThat(e.grpc()).isNull());
    }

    @Test
    void aStreamCutAfterTheGoawayCountsAStreamThatCompletedOrThatItsClientCancelledDoesNot() {
        open();
        for (int id = 1; id <= 5; id += 2) {
            client(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, id, request("application/grpc")));
        }
        // Stream 1 completes before the GOAWAY, then is reset with NO_ERROR (as grpc-go does after trailers).
        server(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 1, new byte[] {(byte) 0x88}));
        byte[] goaway = H2Wire.concat(H2Wire.concat(H2Wire.int32(Integer.MAX_VALUE), H2Wire.int32(0)),
            "max_age".getBytes(StandardCharsets.US_ASCII));
        server(H2Wire.frame(H2Wire.GOAWAY, 0, 0, goaway));
        server(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, newName("grpc-status", "0")));
        client(H2Wire.frame(H2Wire.DATA, H2Wire.END_STREAM, 1, new byte[0]));
        // Stream 3: the client cancels it. Stream 5: the server's age cuts it.
        client(H2Wire.frame(RST_STREAM, 0, 3, H2Wire.int32(8)));
        server(H2Wire.frame(RST_STREAM, 0, 5, H2Wire.int32(8)));
        Http2Goaway g = http.http2().goaway();
        assertThat(g.by()).isEqualTo("server");
        assertThat(g.debug()).isEqualTo("max_age");
        assertThat(g.errorCode()).isZero();
        assertThat(g.streamsCut()).isEqualTo(1);
        assertThat(g.firstCutPath()).isEqualTo("/demo.Echo/Say");
    }
}
