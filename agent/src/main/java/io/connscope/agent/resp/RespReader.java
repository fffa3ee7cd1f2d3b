package io.connscope.agent.resp;

import static io.connscope.agent.wire.WireBytes.at;

import io.connscope.agent.wire.WireBytes;

/**
 * Reads one direction of a RESP (Redis serialization protocol, versions 2 and 3) stream into its
 * top-level values, without keeping them: bulk payloads are skipped by count, and only what names a
 * value is copied (the first two bulk strings of a command; the first 32 bytes of a top-level simple
 * string or error). Any split of the stream into chunks gives the same values. An attribute (RESP3
 * {@code |}) describes the value after it, and is not an element of its own. It allocates nothing:
 * its arrays come with it.
 */
final class RespReader {

    /** Deeper nesting than any Redis reply has: the stream is not followed past it. */
    static final int MAX_DEPTH = 32;
    /** Bytes kept of a command's name and first argument, and of an error's first word. */
    static final int WORD = 32;

    /** What a top-level value means to the reader's owner. */
    interface Values {
        /** A top-level value starts with this type byte. */
        void started(byte type);

        /** The top-level value that started last is complete, {@code bytes} long. */
        void ended(long bytes);
    }

    private static final int TYPE = 0;
    private static final int LINE = 1;
    private static final int LINE_LF = 2;
    private static final int BULK = 3;
    private static final int BULK_CR = 4;
    private static final int BULK_LF = 5;

    private final Values values;
    /** Elements still to come in each open aggregate, outermost first, and each one's type. */
    private final long[] remaining = new long[MAX_DEPTH];
    private final byte[] aggregates = new byte[MAX_DEPTH];
    private int depth;
    private int state = TYPE;
    private byte type;
    private byte topType;
    private long number;
    private boolean negative;
    private int lineChars;
    private long bulkLeft;
    private long valueBytes;
    /** Elements of the top-level aggregate begun so far. */
    private int topElements;
    /** Where the current bulk string or line is copied (word 0 or 1), or -1. */
    private int capturing = -1;
    private final byte[][] words = {new byte[WORD], new byte[WORD]};
    private final int[] wordLengths = new int[2];
    private String violation;

    RespReader(Values values) {
        this.values = values;
    }

    /** Reads the bytes; false once they are not RESP (see {@link #violation()}), after which it reads nothing. */
    boolean feed(Object data, int from, int len) {
        int end = from + len;
        int i = from;
        while (i < end && violation == null) {
            if (state == BULK) {
                int take = (int) Math.min(bulkLeft, end - i);
                if (capturing >= 0) {
                    capture(data, i, take);
                }
                bulkLeft -= take;
                valueBytes += take;
                i += take;
                if (bulkLeft == 0) {
                    state = BULK_CR;
                }
                continue;
            }
            byte b = at(data, i++);
            valueBytes++;
            step(b);
        }
        return violation == null;
    }

    private void step(byte b) {
        switch (state) {
            case TYPE:
                typeByte(b);
                break;
            case LINE:
                if (b == '\r') {
                    state = LINE_LF;
                } else {
                    lineByte(b);
                }
                break;
            case LINE_LF:
                if (b != '\n') {
                    violation = "a line not ended by CRLF";
                } else {
                    lineEnded();
                }
                break;
            case BULK_CR:
                if (b != '\r') {
                    violation = "a bulk string longer than its length";
                }
                state = BULK_LF;
                break;
            default: // BULK_LF
                if (b != '\n') {
                    violation = "a bulk string longer than its length";
                }
                state = TYPE;
                capturing = -1;
                elementDone();
        }
    }

    private void typeByte(byte b) {
        if (!isType(b)) {
            violation = "a value of unknown type";
            return;
        }
        if (depth == 0) {
            topType = b;
            topElements = 0;
            wordLengths[0] = 0;
            wordLengths[1] = 0;
            valueBytes = 1;
            values.started(b);
        } else if (depth == 1 && b != '|') {
            topElements++;
        }
        type = b;
        number = 0;
        negative = false;
        lineChars = 0;
        // a command's name and first argument; a reply's status (OK, QUEUED) or error (ERR, WRONGTYPE)
        capturing = depth == 1 && topElements <= 2 && b == '$' ? topElements - 1
            : depth == 0 && (b == '+' || b == '-' || b == '!') ? 0 : -1;
        state = LINE;
    }

    private void lineByte(byte b) {
        if (!counted(type)) {
            if (capturing >= 0) {
                capture(b);
            }
            lineChars++;
            return;
        }
        if (b == '-' && lineChars == 0) {
            negative = true;
        } else if (b >= '0' && b <= '9' && lineChars < 18) {
            number = number * 10 + (b - '0');
        } else {
            violation = "a length that is not a number";
        }
        lineChars++;
    }

    private void lineEnded() {
        state = TYPE;
        if (counted(type) && (lineChars == 0 || negative && (number != 1 || lineChars != 2))) {
            violation = "a length that is not a number"; // none, or negative but the null's -1
        } else if (!counted(type) || negative) { // a simple value, or a null bulk string or aggregate
            capturing = -1;
            elementDone();
        } else if (type == '$' || type == '!' || type == '=') {
            bulkLeft = number;
            state = number == 0 ? BULK_CR : BULK;
        } else if (number == 0) {
            if (type != '|' || depth == 0) { // an empty attribute inside an aggregate is no element either
                elementDone();
            }
        } else if (depth == MAX_DEPTH) {
            violation = "values nested deeper than " + MAX_DEPTH;
        } else {
            aggregates[depth] = type;
            remaining[depth++] = type == '%' || type == '|' ? 2 * number : number; // maps and attributes: pairs
        }
    }

    /**
     * One element is complete: it completes each aggregate it was the last element of, outward. An
     * attribute that completes is no element of the aggregate it sits in: the value it describes is.
     */
    private void elementDone() {
        while (depth > 0) {
            if (--remaining[depth - 1] > 0) {
                return;
            }
            depth--;
            if (aggregates[depth] == '|' && depth > 0) {
                return;
            }
        }
        values.ended(valueBytes);
    }

    private void capture(Object data, int from, int n) {
        int room = Math.min(n, WORD - wordLengths[capturing]);
        if (room > 0) {
            WireBytes.copy(data, from, words[capturing], wordLengths[capturing], room);
            wordLengths[capturing] += room;
        }
    }

    private void capture(byte b) {
        if (wordLengths[capturing] < WORD) {
            words[capturing][wordLengths[capturing]++] = b;
        }
    }

    /**
     * The n-th (0 or 1) word kept of the current or last top-level value, up to its first space (at
     * most 32 bytes), upper-cased when asked, or null when empty.
     */
    String word(int n, boolean upperCase) {
        int len = 0;
        while (len < wordLengths[n] && words[n][len] != ' ') {
            len++;
        }
        if (len == 0) {
            return null;
        }
        char[] c = new char[len];
        for (int k = 0; k < len; k++) {
            int b = words[n][k] & 0xff;
            c[k] = (char) (upperCase && b >= 'a' && b <= 'z' ? b - 32 : b);
        }
        return new String(c);
    }

    /** How many elements the current or last top-level aggregate had begun. */
    int elements() {
        return topElements;
    }

    /** The type byte of the current or last top-level value. */
    byte topType() {
        return topType;
    }

    /** Why the bytes are not RESP, or null while they are. */
    String violation() {
        return violation;
    }

    /** A length, a count, or nothing but a line of text after the type byte. */
    private static boolean counted(byte type) {
        return type == '$' || type == '*' || type == '!' || type == '=' || type == '%' || type == '~'
            || type == '>' || type == '|';
    }

    private static boolean isType(byte b) {
        return counted(b) || b == '+' || b == '-' || b == ':' || b == '_' || b == ',' || b == '#' || b == '(';
    }
}
