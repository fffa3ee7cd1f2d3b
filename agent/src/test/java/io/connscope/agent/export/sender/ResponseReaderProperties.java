package io.connscope.agent.export.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The collector's response reads back as written, whatever its framing, and the stream is left
 * exactly at the next response: a kept-alive connection stays in step.
 */
class ResponseReaderProperties {

    @Property
    void bodyAndStatusReadBackWhateverTheFraming(@ForAll @Size(max = 300) byte[] body, @ForAll @IntRange(min = 0, max = 2) int framing,
                                                 @ForAll @Size(max = 5) List<@IntRange(min = 1, max = 64) Integer> chunkSizes,
                                                 @ForAll boolean interim, @ForAll @IntRange(min = 200, max = 599) int status)
            throws IOException {
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

        PostResponse r = ResponseReader.read(in, 1 << 20);

        assertThat(r.getStatusCode()).isEqualTo(status);
        assertThat(r.getStatusMessage()).isEqualTo("Some Reason");
        assertThat(r.getResponseBody()).isEqualTo(bodyless ? new byte[0] : body);
        assertThat(r.closesConnection()).isEqualTo(toClose);
        assertThat(in.readAllBytes()).isEqualTo(toClose ? new byte[0] : next);
    }

    @Property
    void anyInputEndsInAResponseOrAnIOException(@ForAll @Size(max = 200) byte[] garbage) {
        try {
            ResponseReader.read(new ByteArrayInputStream(garbage), 1000);
        } catch (IOException expected) {
            // refused, never anything else: no runtime exception, no hang
        }
    }

    @Example
    void aBodyLargerThanTheExporterAcceptsIsRefused() {
        assertThatThrownBy(() -> ResponseReader.read(new ByteArrayInputStream(
            ascii("HTTP/1.1 400 Bad\r\nContent-Length: 5000\r\n\r\n")), 1000))
            .isInstanceOf(ResponseReader.ResponseTooLargeException.class);
        assertThatThrownBy(() -> ResponseReader.read(new ByteArrayInputStream(
            ascii("HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n")), 1000))
            .isInstanceOf(ResponseReader.ResponseTooLargeException.class);
    }

    @Example
    void aTruncatedBodyIsAnError() {
        assertThatThrownBy(() -> ResponseReader.read(new ByteArrayInputStream(
            ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")), 1000))
            .isInstanceOf(IOException.class).hasMessageContaining("3 of 10");
    }

    @Example
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
