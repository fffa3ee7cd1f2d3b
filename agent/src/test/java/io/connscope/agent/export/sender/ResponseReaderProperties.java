package io.connscope.agent.export.sender;

import static io.connscope.agent.testing.Generators.bytes;
import static io.connscope.agent.testing.Generators.cuts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The collector's response reads back as written, whatever its framing, and the stream is left
 * exactly at the next response: a kept-alive connection stays in step.
 */
class ResponseReaderProperties {

    @Test
    void bodyAndStatusReadBackWhateverTheFraming() {
        // framing 0 (length), 1 (chunked) or 2 (until close), with the status (200-599) as one draw
        Gen<int[]> framingAndStatus = integers().between(0, 2).zip(integers().between(200, 599), (f, s) -> new int[] {f, s});
        qt().forAll(bytes(300), framingAndStatus, cuts(0, 5, 64), booleans().all())
            .checkAssert((body, fs, chunkSizes, interim) -> readsBack(body, fs[0], chunkSizes, interim, fs[1]));
    }

    private static void readsBack(byte[] body, int framing, List<Integer> chunkSizes, boolean interim, int status) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        if (interim) {
            wire.writeBytes(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
        }
        wire.writeBytes(ascii("HTTP/1.1 " + status + " Some Reason\r\nContent-Type: application/x-protobuf\r\n"));
        boolean bodyless = status == 204 || status == 304;
        if (framing == 0 || bodyless) {
            wire.writeBytes(ascii("Content-Length: " + (bodyless ? 0 : body.length) + "\r\n\r\n"));
            if (!bodyless) {
                wire.writeBytes(body);
            }
        } else if (framing == 1) {
            wire.writeBytes(ascii("Transfer-Encoding: chunked\r\n\r\n"));
            int at = 0;
            for (int i = 0; at < body.length; i++) {
                int n = Math.min(body.length - at, chunkSizes.isEmpty() ? body.length : chunkSizes.get(i % chunkSizes.size()));
                wire.writeBytes(ascii(Integer.toHexString(n) + (i % 2 == 0 ? "" : ";ext=1") + "\r\n"));
                wire.write(body, at, n);
                wire.writeBytes(ascii("\r\n"));
                at += n;
            }
            wire.writeBytes(ascii("0\r\nTrailer: x\r\n\r\n"));
        } else {
            wire.writeBytes(ascii("Connection: close\r\n\r\n"));
            wire.writeBytes(body);
        }
        boolean toClose = framing == 2 && !bodyless;
        byte[] next = ascii("HTTP/1.1 200 OK\r\n");
        if (!toClose) {
            wire.writeBytes(next);
        }
        ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());

        PostResponse r;
        try {
            r = ResponseReader.read(in, 1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        assertThat(r.getStatusCode()).isEqualTo(status);
        assertThat(r.getStatusMessage()).isEqualTo("Some Reason");
        assertThat(r.getResponseBody()).isEqualTo(bodyless ? new byte[0] : body);
        assertThat(r.closesConnection()).isEqualTo(toClose);
        assertThat(in.readAllBytes()).isEqualTo(toClose ? new byte[0] : next);
    }

    @Test
    void anyInputEndsInAResponseOrAnIOException() {
        qt().forAll(bytes(200)).checkAssert(garbage -> {
            try {
                ResponseReader.read(new ByteArrayInputStream(garbage), 1000);
            } catch (IOException expected) {
                // refused, never anything else: no runtime exception, no hang
            }
        });
    }

    @Test
    void aBodyLargerThanTheExporterAcceptsIsRefused() {
        assertThatThrownBy(() -> ResponseReader.read(new ByteArrayInputStream(
            ascii("HTTP/1.1 400 Bad\r\nContent-Length: 5000\r\n\r\n")), 1000))
            .isInstanceOf(ResponseReader.ResponseTooLargeException.class);
        assertThatThrownBy(() -> ResponseReader.read(new ByteArrayInputStream(
            ascii("HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n")), 1000))
            .isInstanceOf(ResponseReader.ResponseTooLargeException.class);
    }

    @Test
    void aTruncatedBodyIsAnError() {
        assertThatThrownBy(() -> ResponseReader.read(new ByteArrayInputStream(
            ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")), 1000))
            .isInstanceOf(IOException.class).hasMessageContaining("3 of 10");
    }

    @Test
    void http10ClosesUnlessKeptAlive() throws IOException {
        assertThat(ResponseReader.read(new ByteArrayInputStream(ascii("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")), 10)
            .closesConnection()).isTrue();
        assertThat(ResponseReader.read(new ByteArrayInputStream(
            ascii("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")), 10).closesConnection()).isFalse();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
