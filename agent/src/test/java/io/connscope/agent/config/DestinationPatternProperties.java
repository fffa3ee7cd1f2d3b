package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.net.InetAddress;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Host globs agree with a regular-expression reading of them; address blocks with arithmetic on the bits. */
class DestinationPatternProperties {

    @Test
    void globsAgreeWithTheirRegularExpression() {
        // A small alphabet, so that stars and question marks meet matching text often.
        qt().forAll(strings().betweenCodePoints('*', '.').ofLengthBetween(0, 8), strings().betweenCodePoints('*', '.')
                .ofLengthBetween(0, 10))
            .checkAssert((rawGlob, text) -> {
                String glob = rawGlob.replace('+', '?').replace(',', 'a').replace('-', 'b');
                String t = text.replace('*', 'a').replace('+', 'b');
                String regex = glob.chars().mapToObj(c -> c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf((char) c)))
                    .reduce("", String::concat);
                assertThat(Globs.matches(glob, t)).as("%s ~ %s", glob, t).isEqualTo(t.matches(regex));
            });
    }

    @Test
    void anIpv4BlockHoldsExactlyTheAddressesThatShareItsPrefix() {
        qt().forAll(integers().all(), integers().all(), integers().between(0, 32))
            .checkAssert((network, address, bits) -> {
                long mask = bits == 0 ? 0 : 0xFFFFFFFFL << (32 - bits) & 0xFFFFFFFFL;
                DestinationPattern p = DestinationPattern.parse(dotted(network) + "/" + bits);
                boolean inside = ((network ^ address) & mask) == 0;
                assertThat(p.matches("h", v4(address), 80)).as("%s in %s/%d", dotted(address), dotted(network), bits)
                    .isEqualTo(inside);
            });
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }

    private static InetAddress v4(int a) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
