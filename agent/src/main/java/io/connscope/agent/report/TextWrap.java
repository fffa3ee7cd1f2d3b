package io.connscope.agent.report;

/**
 * Fits text to the report's width by breaking it at spaces, so that a terminal of 120 columns shows
 * each line whole. A word longer than the width (a long path) is left whole on its own line: cutting
 * it would make it unsearchable.
 */
final class TextWrap {

    /** The text report's width, in characters. */
    static final int WIDTH = 120;

    private TextWrap() {
    }

    /**
     * {@code text} after {@code first} on its first line and after {@code next} on the lines that
     * follow, each at most {@code width} characters where words allow; ends with a line feed. A word
     * too long for a line of its own (an event sequence) is broken after its commas. A width of 0 or
     * less does not wrap.
     */
    static String wrap(String first, String text, String next, int width) {
        StringBuilder out = new StringBuilder(first.length() + text.length() + 16).append(first);
        int column = first.length();
        boolean lineHasWord = false;
        for (String word : text.split(" ", -1)) {
            String[] pieces = width > 0 && word.length() > width - next.length() ? word.split("(?<=,)") : new String[] {word};
            for (int p = 0; p < pieces.length; p++) {
                String piece = pieces[p];
                int gap = p == 0 ? 1 : 0;
                if (lineHasWord) {
                    if (width > 0 && column + gap + piece.length() > width) {
                        out.append('\n').append(next);
                        column = next.length();
                    } else if (gap == 1) {
                        out.append(' ');
                        column++;
                    }
                }
                out.append(piece);
                column += piece.length();
                lineHasWord = true;
            }
        }
        return out.append('\n').toString();
    }
}
