package io.connscope.agent.text;

import java.nio.charset.StandardCharsets;

/**
 * Makes a string that came from the wire or from the application safe to keep and to print:
 * bounded in length, and with every character that a terminal or a log viewer would act on
 * written out as an escape. A peer's request path, host name or header value can then neither
 * clear an operator's screen, set its title, nor forge a line of the report, and thousands of
 * long paths cannot fill the heap.
 *
 * <p>Escaped: the C0 controls (CR and LF included), DEL and the C1 controls as {@code \xHH}; Unicode
 * format characters (bidirectional overrides, zero-width marks), line and paragraph separators,
 * and unpaired surrogates as a backslash, {@code u} and four hex digits (a supplementary character
 * as its two surrogates, each so). A string longer than its bound is cut and ends with
 * {@value #CUT}. The result is never longer than the bound, and applying it again changes nothing.
 */
public final class SafeText {

    /** Marks a string that was cut at its bound. */
    public static final String CUT = "…";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SafeText() {
    }

    /** {@code s} escaped and cut to at most {@code max} characters (max ≥ 1); null stays null. */
    public static String of(String s, int max) {
        if (s == null) {
            return null;
        }
        if (s.length() <= max && isSafe(s)) {
            return s; // the usual case, with no copy
        }
        StringBuilder out = new StringBuilder(Math.min(max, s.length() + 16));
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (!append(out, cp, max, i < s.length())) {
                break;
            }
        }
        return out.toString();
    }

    /**
     * Bytes {@code from} to {@code to} of {@code b}, read as ISO-8859-1 (how HTTP/1.x heads are read),
     * escaped and cut to at most {@code max} characters, without first copying all of them.
     */
    public static String latin1(byte[] b, int from, int to, int max) {
        if (to - from <= max && isSafeLatin1(b, from, to)) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1); // the usual case: one copy
        }
        StringBuilder out = new StringBuilder(Math.min(max, to - from));
        for (int i = from; i < to; i++) {
            if (!append(out, b[i] & 0xFF, max, i + 1 < to)) {
                break;
            }
        }
        return out.toString();
    }

    private static boolean isSafeLatin1(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (needsEscape(b[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** True when nothing in {@code s} needs an escape. */
    public static boolean isSafe(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (needsEscape(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /**
     * Appends code point {@code cp}, escaped when it must be, if it fits with room left for the cut
     * mark when more follows; otherwise appends the mark and returns false.
     */
    private static boolean append(StringBuilder out, int cp, int max, boolean more) {
        boolean escape = needsEscape(cp);
        int width = !escape ? Character.charCount(cp) : cp < 0x100 ? 4 : 6 * Character.charCount(cp);
        if (out.length() + width + (more ? CUT.length() : 0) > max) {
            out.append(CUT);
            return false;
        }
        if (!escape) {
            out.appendCodePoint(cp);
        } else if (cp < 0x100) {
            out.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xF]);
        } else {
            for (char c : Character.toChars(cp)) { // a supplementary character as its two surrogates
                out.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                    .append(HEX[c & 0xF]);
            }
        }
        return true;
    }

    /** Unpaired surrogates come one by one from {@link String#codePointAt}, so they are escaped too. */
    private static boolean needsEscape(int cp) {
        if (cp < 0x20 || cp >= 0x7F && cp <= 0x9F) {
            return true;
        }
        if (cp < 0x7F) {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
            || type == Character.CONTROL || type == Character.SURROGATE;
    }
}
