package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bounds and failure modes docs/http-on-the-wire.md documents for HTTP/2 connections. */
class Http2SessionTest extends H2Conversation {

    /** :method GET, :scheme http, :path / from the static table. */
    private static final byte[] GET = {(byte) 0x82, (byte) 0x86, (byte) 0x84};
    private static final int PUSH_PROMISE = 5;
    private static final int CONTINUATION = 9;

    @Test
    void upTo256ClientStreamsAreFollowedAtOnceAndTheRestCounted() {
        open();
        for (int i = 0; i < 300; i++) {
            client(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 2 * i + 1, GET));
        }
        Http2Session s = http.http2();
        assertThat(s.peakConcurrentStreams()).isEqualTo(256);
        assertThat(s.streamsNotFollowed()).isEqualTo(44);
        assertThat(s.streamsOpened()).isEqualTo(256);
        http.end(System.nanoTime());
        assertThat(finished).hasSize(256).allSatisfy(e -> assertThat(e.failure()).isEqualTo("no_response"));
    }

    @Test
    void aResponseReadBeforeItsRequestIsSeenIsTheSameStream() {
        open();
        server(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, new byte[] {(byte) 0x88}));
        assertThat(finished).isEmpty();
        client(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, GET));
        assertThat(finished).singleElement().satisfies(e -> {
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.target()).isEqualTo("/");
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.http2StreamId()).isEqualTo(1);
        });
        assertThat(http.http2().streamsOpened()).isEqualTo(1);
        assertThat(http.requests()).isEqualTo(1);
        assertThat(http.responses()).isEqualTo(1);
    }

    @Test
    void pushPromisesAreCountedAndTheirHeaderBlocksKeepHpackInStep() {
        open();
        client(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, GET));
        // A promise for stream 2 whose block adds an entry (:path /pushed, incremental indexing) ...
        byte[] promise = H2Wire.concat(H2Wire.int32(2), new byte[] {(byte) 0x82, 0x44, 7, '/', 'p', 'u', 's', 'h', 'e', 'd'});
        server(H2Wire.frame(PUSH_PROMISE, H2Wire.END_HEADERS, 1, promise));
        // ... which the response's block then refers to by index 62.
        server(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, new byte[] {(byte) 0x88, (byte) 0xBE}));
        Http2Session s = http.http2();
        assertThat(s.pushPromises()).isEqualTo(1);
        assertThat(s.hpackFailure()).isNull();
        assertThat(finished).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(200));
    }

    @Test
    void aHeaderBlockInterruptedByAnotherFrameStopsThatDirection() {
        open();
        client(H2Wire.frame(H2Wire.HEADERS, 0, 1, GET)); // no END_HEADERS: CONTINUATION must follow
        client(H2Wire.frame(H2Wire.DATA, 0, 1, new byte[4]));
        assertThat(http.http2().framingFailure()).isEqualTo("requests: a header block interrupted by another frame");
    }

    @Test
    void aHeaderBlockOver64KiBStopsDecodingButNotTheStreams() {
        open();
        client(H2Wire.frame(H2Wire.HEADERS, 0, 1, GET));
        byte[] chunk = new byte[16_384];
        for (int i = 0; i < 4; i++) {
            client(H2Wire.frame(CONTINUATION, 0, 1, chunk));
        }
        client(H2Wire.frame(CONTINUATION, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, new byte[1]));
        client(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 3, GET));
        Http2Session s = http.http2();
        assertThat(s.hpackFailure()).isEqualTo("requests: a header block over 65536 bytes");
        assertThat(s.streamsOpened()).isEqualTo(2);
        assertThat(s.framingFailure()).isNull();
    }

    /**
     * An h2c upgrade whose 101 and stream-1 response are read before the writer's hook has seen the
     * upgrade request (java.net.http writes and reads on different threads): still one exchange,
     * stream 1, with the request's method and path, as when the request is seen first.
     */
    @Test
    void anUpgradeAnsweredBeforeItsRequestIsSeenIsOneExchange() {
        server(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        server(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        server(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, new byte[] {(byte) 0x88}));
        assertThat(finished).isEmpty();
        client(("GET /upgrade HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            + "HTTP2-Settings: AAEAAEAAAAIAAAAA\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        client(H2Wire.PREFACE);
        client(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        assertThat(finished).singleElement().satisfies(e -> {
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.target()).isEqualTo("/upgrade");
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.http2StreamId()).isEqualTo(1);
            assertThat(e.version()).isEqualTo("2");
        });
        assertThat(http.http2().detectedBy()).isEqualTo(Http2Session.H2C_UPGRADE);
        http.end(System.nanoTime());
        assertThat(finished).hasSize(1);
    }
}
