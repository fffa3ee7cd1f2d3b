package io.connscope.agent.http;

/**
 * Reading header fields in place, in the bytes of a message head: which of the fields connscope
 * reads a name is, and the parts of their values it keeps (Connection's options, a parameter's
 * number, the last transfer coding). Nothing is copied; names compare without regard to case.
 */
final class HeaderFields {

    private HeaderFields() {
    }

    /**
     * Header fields meant for every recipient, which a Connection header must never name (RFC 9110
     * §7.6.1): a proxy would strip them.
     */
    static final String[] END_TO_END = {"host", "content-length", "content-type", "content-encoding",
        "cache-control", "authorization", "cookie", "set-cookie", "date", "etag", "last-modified", "location"};

    static final int OTHER = 0;
    static final int CONTENT_LENGTH = 1;
    static final int TRANSFER_ENCODING = 2;
    static final int CONNECTION = 3;
    static final int KEEP_ALIVE = 4;
    static final int FORWARDED = 5;
    static final int UPGRADE = 6;
    static final int PROXY_CONNECTION = 7;
    static final int TRACEPARENT = 8;
    static final int IDEMPOTENCY_KEY = 9;
    static final int WEBSOCKET_KEY = 10;
    static final int WEBSOCKET_ACCEPT = 11;
    static final int HOST = 12;
    static final int USER_AGENT = 13;

    /** Which of the header fields connscope reads this name is; by length first, as most names are none of them. */
    static int headerOf(byte[] b, int from, int to) {
        switch (to - from) {
            case 3:
                return nameIs(b, from, to, "via") ? FORWARDED : OTHER;
            case 4:
                return nameIs(b, from, to, "host") ? HOST : OTHER;
            case 7:
                return nameIs(b, from, to, "upgrade") ? UPGRADE : OTHER;
            case 9:
                return nameIs(b, from, to, "forwarded") ? FORWARDED : OTHER;
            case 10:
                return nameIs(b, from, to, "connection") ? CONNECTION
                    : nameIs(b, from, to, "keep-alive") ? KEEP_ALIVE
                    : nameIs(b, from, to, "user-agent") ? USER_AGENT : OTHER;
            case 11:
                return nameIs(b, from, to, "traceparent") ? TRACEPARENT : OTHER;
            case 14:
                return nameIs(b, from, to, "content-length") ? CONTENT_LENGTH : OTHER;
            case 15:
                return nameIs(b, from, to, "x-forwarded-for") ? FORWARDED
                    : nameIs(b, from, to, "idempotency-key") ? IDEMPOTENCY_KEY : OTHER;
            case 16:
                return nameIs(b, from, to, "proxy-connection") ? PROXY_CONNECTION : OTHER;
            case 17:
                return nameIs(b, from, to, "transfer-encoding") ? TRANSFER_ENCODING
                    : nameIs(b, from, to, "sec-websocket-key") ? WEBSOCKET_KEY : OTHER;
            case 20:
                return nameIs(b, from, to, "sec-websocket-accept") ? WEBSOCKET_ACCEPT : OTHER;
            default:
                return OTHER;
        }
    }

    static final int OPTION_CLOSE = 1;
    static final int OPTION_KEEP_ALIVE = 2;
    static final int OPTION_UPGRADE = 4;
    static final int NAMED_SHIFT = 8;

    /**
     * The Connection value's options in one pass: the OPTION_ bits, and above NAMED_SHIFT one plus
     * the index of the first {@link #END_TO_END} name (in that list's order) that it lists, or 0.
     */
    static int connectionOptions(byte[] b, int from, int to) {
        int options = 0;
        int named = END_TO_END.length;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || b[i] == ',') {
                int s = skipSpaces(b, start, i);
                int e = trimSpaces(b, s, i);
                if (nameIs(b, s, e, "close")) {
                    options |= OPTION_CLOSE;
                } else if (nameIs(b, s, e, "keep-alive")) {
                    options |= OPTION_KEEP_ALIVE;
                } else if (nameIs(b, s, e, "upgrade")) {
                    options |= OPTION_UPGRADE;
                } else {
                    for (int k = 0; k < named; k++) {
                        if (nameIs(b, s, e, END_TO_END[k])) {
                            named = k;
                        }
                    }
                }
                start = i + 1;
            }
        }
        return named < END_TO_END.length ? options | (named + 1) << NAMED_SHIFT : options;
    }

    static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static int lastIndexOf(byte[] b, int from, int to, byte c) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static int skipSpaces(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        return from;
    }

    static int trimSpaces(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    static boolean nameIs(byte[] b, int from, int to, String lowerName) {
        if (to - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            if (lower(b[from + i]) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(byte c) {
        return (char) (c >= 'A' && c <= 'Z' ? c + 32 : c & 0xFF);
    }

    /** A non-negative decimal of at most 18 digits, else -1. */
    static long digits(byte[] b, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    static boolean endsWithToken(byte[] b, int from, int to, String lowerToken) {
        int comma = lastIndexOf(b, from, to, (byte) ',');
        int s = skipSpaces(b, comma < 0 ? from : comma + 1, to);
        return nameIs(b, s, trimSpaces(b, s, to), lowerToken);
    }

    /** The numeric value of name=N in a comma-separated parameter list, or -1. */
    static long parameter(byte[] b, int from, int to, String lowerName) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || b[i] == ',') {
                int s = skipSpaces(b, start, i);
                int eq = indexOf(b, s, i, (byte) '=');
                if (eq > s && nameIs(b, s, trimSpaces(b, s, eq), lowerName)) {
                    return digits(b, skipSpaces(b, eq + 1, i), trimSpaces(b, eq + 1, i));
                }
                start = i + 1;
            }
        }
        return -1;
    }
}
