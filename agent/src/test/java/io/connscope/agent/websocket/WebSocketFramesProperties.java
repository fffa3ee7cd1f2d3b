package io.connscope.agent.websocket;

import static io.connscope.agent.testing.Generators.cuts;
import static io.connscope.agent.testing.Generators.listOf;
import static io.connscope.agent.testing.Generators.oneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.ByteArrayOutputStream;
import java.util.List;
import io.connscope.agent.testing.Generators;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Frame counts are the ones written, however the bytes are split, and any input leaves the parser bounded and quiet. */
class WebSocketFramesProperties {

    /** One message, in one or more fragments, or a control frame. */
    static final class Unit {
        final int opcode;
        final List<Integer> fragments;

        Unit(int opcode, List<Integer> fragments) {
            this.opcode = opcode;
            this.fragments = fragments;
        }
    }

    private static Gen<List<Unit>> session() {
        Gen<Unit> data = oneOf(WebSocketFrames.TEXT, WebSocketFrames.BINARY)
            .zip(listOf(integers().between(0, 70_000), 1, 3), Unit::new);
        Gen<Unit> control = oneOf(WebSocketFrames.PING, WebSocketFrames.PONG)
            .zip(listOf(integers().between(0, 125), 1, 1), Unit::new);
        return listOf(Generate.oneOf(data, data, control), 0, 8);
    }

    @Test
    void countsDoNotDependOnHowTheBytesAreSplit() {
        qt().withExamples(300).forAll(session(), booleans().all(), integers().between(0, 123), cuts(0, 6, 9000))
            .checkAssert(WebSocketFramesProperties::countsDoNotDependOnHowTheBytesAreSplit);
    }

    private static void countsDoNotDependOnHowTheBytesAreSplit(List<Unit> units, boolean fromClient, int reasonLength,
                                                               List<Integer> cuts) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        long frames = 0;
        long messages = 0;
        long fragmented = 0;
        long payload = 0;
        long pings = 0;
        long pongs = 0;
        for (Unit u : units) {
            for (int i = 0; i < u.fragments.size(); i++) {
                int opcode = i == 0 ? u.opcode : WebSocketFrames.CONTINUATION;
                wire.writeBytes(Frames.frame(fromClient, opcode, i == u.fragments.size() - 1, new byte[u.fragments.get(i)]));
                frames++;
                payload += u.fragments.get(i);
            }
            if (u.opcode == WebSocketFrames.PING) {
                pings++;
            } else if (u.opcode == WebSocketFrames.PONG) {
                pongs++;
            } else {
                messages++;
                fragmented += u.fragments.size() > 1 ? 1 : 0;
            }
        }
        wire.writeBytes(Frames.close(fromClient, 4000 + reasonLength, "r".repeat(reasonLength)));
        frames++;
        payload += 2 + reasonLength;

        WebSocketFrames parser = new WebSocketFrames(fromClient, (ping, nanos) -> { });
        byte[] bytes = wire.toByteArray();
        int at = 0;
        for (int cut : cuts) {
            int n = Math.min(cut, bytes.length - at);
            parser.feed(bytes, at, n);
            at += n;
        }
        parser.feed(bytes, at, bytes.length - at);

        assertThat(parser.violation()).isNull();
        assertThat(parser.frames()).isEqualTo(frames);
        assertThat(parser.messages()).isEqualTo(messages);
        assertThat(parser.fragmentedMessages()).isEqualTo(fragmented);
        assertThat(parser.payloadBytes()).isEqualTo(payload);
        assertThat(parser.pings()).isEqualTo(pings);
        assertThat(parser.pongs()).isEqualTo(pongs);
        assertThat(parser.closeCode()).isEqualTo(4000 + reasonLength);
        assertThat(parser.closeReasonLength()).isEqualTo(reasonLength);
    }

    @Test
    void anyBytesAreParsedOrRefusedWithoutAnException() {
        qt().forAll(Generators.bytes(300), booleans().all()).checkAssert((garbage, fromClient) -> {
            WebSocketFrames parser = new WebSocketFrames(fromClient, (ping, nanos) -> { });
            parser.feed(garbage, 0, garbage.length);
            assertThat(parser.frames()).isLessThanOrEqualTo(garbage.length / 2);
        });
    }

    @Test
    void framesMaskedTheWrongWayAreAViolation() {
        WebSocketFrames server = new WebSocketFrames(false, (ping, nanos) -> { });
        byte[] masked = Frames.text(true, "hi");
        server.feed(masked, 0, masked.length);
        assertThat(server.violation()).isEqualTo("masked frame from the server");
        WebSocketFrames client = new WebSocketFrames(true, (ping, nanos) -> { });
        byte[] unmasked = Frames.text(false, "hi");
        client.feed(unmasked, 0, unmasked.length);
        assertThat(client.violation()).isEqualTo("unmasked frame from the client");
    }

    @Test
    void aCloseWithoutStatusCodeIs1005() {
        WebSocketFrames parser = new WebSocketFrames(false, (ping, nanos) -> { });
        byte[] close = Frames.frame(false, WebSocketFrames.CLOSE, true, new byte[0]);
        parser.feed(close, 0, close.length);
        assertThat(parser.closeCode()).isEqualTo(WebSocketFrames.NO_STATUS);
        assertThat(parser.closeReasonLength()).isZero();
    }

    @Test
    void theAcceptValueIsTheRfcOne() {
        // RFC 6455 section 1.3's example.
        assertThat(WebSocketSession.expectedAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
