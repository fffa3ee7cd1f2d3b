package io.connscope.agent.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

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

    @Provide
    Arbitrary<List<Unit>> session() {
        Arbitrary<Unit> data = Combinators.combine(Arbitraries.of(WebSocketFrames.TEXT, WebSocketFrames.BINARY),
            Arbitraries.integers().between(0, 70_000).list().ofMinSize(1).ofMaxSize(3)).as(Unit::new);
        Arbitrary<Unit> control = Combinators.combine(Arbitraries.of(WebSocketFrames.PING, WebSocketFrames.PONG),
            Arbitraries.integers().between(0, 125).list().ofSize(1)).as(Unit::new);
        return Arbitraries.oneOf(data, data, control).list().ofMaxSize(8);
    }

    @Property(tries = 300)
    void countsDoNotDependOnHowTheBytesAreSplit(@ForAll("session") List<Unit> units, @ForAll boolean fromClient,
                                                @ForAll @IntRange(min = 0, max = 123) int reasonLength,
                                                @ForAll @Size(max = 6) List<@IntRange(min = 1, max = 9000) Integer> cuts) {
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

    @Property
    void anyBytesAreParsedOrRefusedWithoutAnException(@ForAll @Size(max = 300) byte[] garbage, @ForAll boolean fromClient) {
        WebSocketFrames parser = new WebSocketFrames(fromClient, (ping, nanos) -> { });
        parser.feed(garbage, 0, garbage.length);
        assertThat(parser.frames()).isLessThanOrEqualTo(garbage.length / 2);
    }

    @Example
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

    @Example
    void aCloseWithoutStatusCodeIs1005() {
        WebSocketFrames parser = new WebSocketFrames(false, (ping, nanos) -> { });
        byte[] close = Frames.frame(false, WebSocketFrames.CLOSE, true, new byte[0]);
        parser.feed(close, 0, close.length);
        assertThat(parser.closeCode()).isEqualTo(WebSocketFrames.NO_STATUS);
        assertThat(parser.closeReasonLength()).isZero();
    }

    @Example
    void theAcceptValueIsTheRfcOne() {
        // RFC 6455 section 1.3's example.
        assertThat(WebSocketSession.expectedAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
