package io.connscope.agent.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void everyCharacterATerminalWouldActOnIsEscaped() {
        assertThat(SafeText.of("/a\u001b[2Jb", 100)).isEqualTo("/a\\x1b[2Jb");
        assertThat(SafeText.of("host\r\n  WARN injected-line", 100)).isEqualTo("host\\x0d\\x0a  WARN injected-line");
        assertThat(SafeText.of("\u001b]0;title\u0007", 100)).isEqualTo("\\x1b]0;title\\x07");
        assertThat(SafeText.of("tab\there\u007f\u009b", 100)).isEqualTo("tab\\x09here\\x7f\\x9b");
        // bidirectional override, zero-width space's neighbour (a format character), line separator, lone surrogate
        assertThat(SafeText.of("a\u202Eb\u200Dc\u2028d\uD800e", 100)).isEqualTo("a\\u202eb\\u200dc\\u2028d\\ud800e");
        // a supplementary format character (a language tag), as its two surrogates
        assertThat(SafeText.of("x" + new String(Character.toChars(0xE0001)) + "y", 100)).isEqualTo("x\\udb40\\udc01y");
    }

    @Test
    void printableTextIsKeptAsItIs() {
        String s = "GET /caf\u00e9/\u65e5\u672c/\uD83D\uDE00?q=1 ~!@#$%^&*()";
        assertThat(SafeText.of(s, 100)).isSameAs(s);
    }

    @Test
    void longTextIsCutAndMarked() {
        assertThat(SafeText.of("abcdef", 6)).isEqualTo("abcdef");
        assertThat(SafeText.of("abcdefg", 6)).isEqualTo("abcde…");
        // an escape is never cut in half
        assertThat(SafeText.of("abc\u001bdefg", 6)).isEqualTo("abc…");
        // nor a surrogate pair
        assertThat(SafeText.of("abcd\uD83D\uDE00x", 6)).isEqualTo("abcd…");
    }

    @Test
    void latin1BytesAreReadEscapedAndBoundedWithoutAFullCopy() {
        byte[] b = "xx/p\u001bq\u0085r".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(SafeText.latin1(b, 2, b.length, 100)).isEqualTo("/p\\x1bq\\x85r");
        assertThat(SafeText.latin1(b, 2, b.length, 5)).isEqualTo("/p…");
        assertThat(SafeText.latin1(b, 2, 2, 5)).isEmpty();
        byte[] safe = "xx/caf\u00e9?q=1".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(SafeText.latin1(safe, 2, safe.length, 100)).isEqualTo("/caf\u00e9?q=1");
        assertThat(SafeText.latin1(safe, 2, safe.length, 9)).isEqualTo("/caf\u00e9?q=1");
        assertThat(SafeText.latin1(safe, 2, safe.length, 8)).isEqualTo("/caf\u00e9?q…");
        byte[] softHyphen = "a\u00adb".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(SafeText.latin1(softHyphen, 0, 3, 100)).as("a format character").isEqualTo("a\\xadb");
    }

    /** Any string, any bound: the result fits, is safe, and is a fixed point. */
    @Test
    void anyInputGivesBoundedSafeStableText() {
        Random random = new Random(20261204L);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                int kind = random.nextInt(5);
                if (kind == 4) { // supplementary, format characters among them (U+E0000 to U+E007F)
                    s.appendCodePoint(random.nextBoolean() ? 0xE0000 + random.nextInt(0x80) : 0x10000 + random.nextInt(0x100000));
                    continue;
                }
                s.append((char) (kind == 0 ? random.nextInt(0x40) : kind == 1 ? 0x80 + random.nextInt(0x40)
                    : kind == 2 ? 0xD800 + random.nextInt(0x800) : random.nextInt(0x10000)));
            }
            int max = 1 + random.nextInt(30);
            String out = SafeText.of(s.toString(), max);
            assertThat(out.length()).as("length of %s", out).isLessThanOrEqualTo(max);
            assertThat(SafeText.isSafe(out)).as("safe: %s", out).isTrue();
            assertThat(SafeText.of(out, max)).isEqualTo(out);
            if (SafeText.isSafe(s.toString()) && s.length() <= max) {
                assertThat(out).isEqualTo(s.toString());
            }
        }
    }
}
