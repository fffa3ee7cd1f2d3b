package io.connscope.agent.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The choice of protocol from a connection's first bytes: the first protocol to claim them wins, bytes
 * are kept only while one still needs more to tell, and every kept byte is handed on, once.
 */
class ProtocolSnifferTest {

    /** Claims a connection whose client's first three bytes are "abc"; needs three bytes to tell. */
    private static class Abc implements WireProtocol {
        private final String name;

        Abc(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Verdict sniff(boolean towardServer, byte[] first, int len) {
            String seen = new String(first, 0, len, StandardCharsets.ISO_8859_1);
            return !towardServer ? Verdict.NO : seen.startsWith("abc") ? Verdict.YES
                : "abc".startsWith(seen) ? Verdict.MORE : Verdict.NO;
        }

        @Override
        public WireAnalyser start(Consumer<WireExchange> finished, AnalysisMemory.Lease memory) {
            throw new UnsupportedOperationException("not started here");
        }
    }

    /** Records the bytes it is fed, as "<direction><bytes>". */
    private static final class Recorder implements WireAnalyser {
        final List<String> fed = new ArrayList<>();

        @Override
        public void feed(boolean towardServer, Object data, int from, int len) {
            byte[] b = new byte[len];
            WireBytes.copy(data, from, b, 0, len);
            fed.add((towardServer ? ">" : "<") + new String(b, StandardCharsets.ISO_8859_1));
        }

        @Override
        public boolean done() {
            return false;
        }

        @Override
        public void stop(String reason) {
        }

        @Override
        public void end(long endNanos) {
        }

        @Override
        public void abandon() {
        }
    }

    private final Abc first = new Abc("first");
    private final Abc second = new Abc("second");
    private final ProtocolSniffer sniffer = new ProtocolSniffer(List.of(first, second));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void bytesAreKeptWhileAProtocolNeedsMoreThenHandedOnInOrder() {
        assertThat(sniffer.offer(true, bytes("a"), 0, 1)).isFalse();
        assertThat(sniffer.offer(true, ByteBuffer.wrap(bytes("xbz")), 1, 1)).isFalse();
        assertThat(sniffer.offer(true, bytes("cdef"), 0, 4)).isTrue();
        assertThat(sniffer.chosen()).as("the first to claim them").isSameAs(first);
        Recorder to = new Recorder();
        sniffer.replay(to);
        assertThat(to.fed).as("what earlier calls kept; the caller feeds the last bytes").containsExactly(">ab");
    }

    @Test
    void bytesNoProtocolClaimsGoToTheDefaultAtOnce() {
        assertThat(sniffer.offer(true, bytes("GET /"), 0, 5)).isTrue();
        assertThat(sniffer.chosen()).isNull();
        Recorder to = new Recorder();
        sniffer.replay(to);
        assertThat(to.fed).isEmpty();
    }

    @Test
    void theOtherSidesBytesAreKeptTooWhileOneSideCannotTellYet() {
        assertThat(sniffer.offer(true, bytes("ab"), 0, 2)).isFalse();
        assertThat(sniffer.offer(false, bytes("+OK"), 0, 3)).as("a reply read first: kept").isFalse();
        assertThat(sniffer.offer(true, bytes("c"), 0, 1)).isTrue();
        assertThat(sniffer.chosen()).isSameAs(first);
        Recorder to = new Recorder();
        sniffer.replay(to);
        assertThat(to.fed).as("each side's kept bytes, in order; the caller feeds the last").containsExactly(">ab", "<+OK");
    }

    @Test
    void aSideWhoseKeptBytesAreFullDecides() {
        assertThat(sniffer.offer(true, bytes("ab"), 0, 2)).isFalse();
        byte[] banner = bytes("220 smtp.example ESMTP ready");
        assertThat(sniffer.offer(false, banner, 0, banner.length)).as("more than can be kept").isTrue();
        assertThat(sniffer.chosen()).isNull();
    }

    @Test
    void noMoreThanKeptBytesAreWaitedFor() {
        WireProtocol greedy = new Abc("greedy") {
            @Override
            public Verdict sniff(boolean towardServer, byte[] b, int len) {
                return Verdict.MORE;
            }
        };
        ProtocolSniffer s = new ProtocolSniffer(List.of(greedy));
        for (int i = 0; i < ProtocolSniffer.KEPT - 1; i++) {
            assertThat(s.offer(true, bytes("x"), 0, 1)).isFalse();
        }
        assertThat(s.offer(true, bytes("x"), 0, 1)).as("the 16th byte: decided").isTrue();
        assertThat(s.chosen()).isNull();
        Recorder to = new Recorder();
        s.replay(to);
        assertThat(to.fed).containsExactly(">" + "x".repeat(ProtocolSniffer.KEPT - 1));
    }
}
