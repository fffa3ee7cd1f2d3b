package io.connscope.agent.http;

import io.connscope.agent.text.SafeText;

import java.nio.charset.StandardCharsets;

/**
 * Parses one complete HTTP/1.x message head (start line and header fields, up to the blank line).
 * Never throws on bad input: a head that cannot be understood yields a {@link Result} with a reason.
 */
final class HeadParser {

    static final int MAX_METHOD = 20;
    static final int MAX_KEPT_VALUE = 256;
    /** An Upgrade value is kept to say which protocol a connection switched to; longer ones are cut. */
    static final int MAX_UPGRADE = 64;

    private HeadParser() {
    }

    /** A parsed head, or the reason it is not a valid HTTP/1.x head. */
    static final class Result {
        final HttpHead head;
        final String violation;

        private Result(HttpHead head, String violation) {
            this.head = head;
            this.violation = violation;
        }
    }

    static Result parse(byte[] b, int len, boolean request) {
        int lineEnd = indexOf(b, 0, len, (byte) '\n');
        if (lineEnd < 0) {
            return fail("no start line");
        }
        int startEnd = trimCr(b, 0, lineEnd);
        String irregularity = startEnd == lineEnd && lineEnd > 0 ? "bare LF line ending" : null;

        String method = null;
        String target = null;
        int status = 0;
        String version;
        if (request) {
            int sp1 = indexOf(b, 0, startEnd, (byte) ' ');
            int sp2 = sp1 < 0 ? -1 : lastIndexOf(b, sp1 + 1, startEnd, (byte) ' ');
            if (sp1 <= 0 || sp1 > MAX_METHOD || sp2 <= sp1 + 1) {
                return fail("malformed request line");
            }
            for (int i = 0; i < sp1; i++) {
                if (!isTokenChar(b[i])) {
                    return fail("malformed method");
                }
            }
            version = version(b, sp2 + 1, startEnd);
            if (version == null) {
                return fail("unsupported HTTP version in request line");
            }
            method = method(b, sp1);
            target = SafeText.latin1(b, sp1 + 1, sp2, RequestTarget.MAX_LENGTH);
        } else {
            version = startEnd >= 8 ? version(b, 0, 8) : null;
            if (version == null) {
                return fail("malformed status line");
            }
            if (startEnd < 12 || b[8] != ' ' || !isDigit(b[9]) || !isDigit(b[10]) || !isDigit(b[11])
                || (startEnd > 12 && b[12] != ' ')) {
                return fail("malformed status code");
            }
            status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
        }

        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean connectionUpgrade = false;
        String upgrade = null;
        long keepAliveTimeout = -1;
        boolean proxyConnection = false;
        String connectionNamesEndToEnd = null;
        boolean keepAliveHeader = false;
        boolean forwarded = false;
        String traceparent = null;
        boolean idempotencyKey = false;
        String webSocketKey = null;

        int pos = lineEnd + 1;
        while (pos < len) {
            int end = indexOf(b, pos, len, (byte) '\n');
            if (end < 0) {
                return fail("unterminated header line");
            }
            int contentEnd = trimCr(b, pos, end);
            if (contentEnd == end && irregularity == null) {
                irregularity = "bare LF line ending";
            }
            if (contentEnd == pos) {
                break; // the blank line
            }
            if (b[pos] == ' ' || b[pos] == '\t') {
                irregularity = "obsolete line folding";
                pos = end + 1;
                continue;
            }
            int colon = indexOf(b, pos, contentEnd, (byte) ':');
            if (colon <= pos) {
                return fail("header line without a name");
            }
            for (int i = pos; i < colon; i++) {
                if (!isTokenChar(b[i])) {
                    return fail("malformed header name");
                }
            }
            int vs = skipSpaces(b, colon + 1, contentEnd);
            int ve = trimSpaces(b, vs, contentEnd);
            switch (headerOf(b, pos, colon)) {
                case CONTENT_LENGTH: {
                    long n = digits(b, vs, ve);
                    if (n < 0) {
                        return fail("invalid Content-Length");
                    }
                    if (contentLength >= 0 && contentLength != n) {
                        return fail("conflicting Content-Length values");
                    }
                    contentLength = n;
                    break;
                }
                case TRANSFER_ENCODING:
                    chunked = endsWithToken(b, vs, ve, "chunked");
                    if (!chunked && request) {
                        return fail("request Transfer-Encoding does not end in chunked");
                    }
                    break;
                case CONNECTION: {
                    int options = connectionOptions(b, vs, ve);
                    close |= (options & OPTION_CLOSE) != 0;
                    keepAlive |= (options & OPTION_KEEP_ALIVE) != 0;
                    connectionUpgrade |= (options & OPTION_UPGRADE) != 0;
                    int named = options >>> NAMED_SHIFT;
                    if (connectionNamesEndToEnd == null && named > 0) {
                        connectionNamesEndToEnd = END_TO_END[named - 1];
                    }
                    break;
                }
                case KEEP_ALIVE:
                    keepAliveHeader = true;
                    keepAliveTimeout = parameter(b, vs, ve, "timeout");
                    break;
                case FORWARDED:
                    forwarded = true;
                    break;
                case UPGRADE:
                    upgrade = SafeText.latin1(b, vs, ve, MAX_UPGRADE);
                    break;
                case PROXY_CONNECTION:
                    proxyConnection = true;
                    break;
                case TRACEPARENT:
                    traceparent = ascii(b, vs, Math.min(ve, vs + MAX_KEPT_VALUE));
                    break;
                case IDEMPOTENCY_KEY:
                    idempotencyKey = true;
                    break;
                case WEBSOCKET_KEY:
                    if (request) {
                        webSocketKey = ascii(b, vs, Math.min(ve, vs + MAX_KEPT_VALUE));
                    }
                    break;
                case WEBSOCKET_ACCEPT:
                    if (!request) {
                        webSocketKey = ascii(b, vs, Math.min(ve, vs + MAX_KEPT_VALUE));
                    }
                    break;
                default:
                    break;
            }
            pos = end + 1;
        }
        if (chunked) {
            contentLength = -1; // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length
        }
        return new Result(new HttpHead(request, method, target, status, version, contentLength, chunked, close,
            keepAlive, connectionUpgrade ? upgrade : null, keepAliveTimeout, proxyConnection, connectionNamesEndToEnd,
            keepAliveHeader, forwarded, traceparent, idempotencyKey, webSocketKey, irregularity), null);
    }

    /**
     * Header fields meant for every recipient, which a Connection header must never name (RFC 9110
     * §7.6.1): a proxy would strip them.
     */
    private static final String[] END_TO_END = {"host", "content-length", "content-type", "content-encoding",
        "cache-control", "authorization", "cookie", "set-cookie", "date", "etag", "last-modified", "location"};

    private static final int OTHER = 0;
    private static final int CONTENT_LENGTH = 1;
    private static final int TRANSFER_ENCODING = 2;
    private static final int CONNECTION = 3;
    private static final int KEEP_ALIVE = 4;
    private static final int FORWARDED = 5;
    private static final int UPGRADE = 6;
    private static final int PROXY_CONNECTION = 7;
    private static final int TRACEPARENT = 8;
    private static final int IDEMPOTENCY_KEY = 9;
    private static final int WEBSOCKET_KEY = 10;
    private static final int WEBSOCKET_ACCEPT = 11;

    /** Which of the header fields connscope reads this name is; by length first, as most names are none of them. */
    private static int headerOf(byte[] b, int from, int to) {
        switch (to - from) {
            case 3:
                return nameIs(b, from, to, "via") ? FORWARDED : OTHER;
            case 7:
                return nameIs(b, from, to, "upgrade") ? UPGRADE : OTHER;
            case 9:
                return nameIs(b, from, to, "forwarded") ? FORWARDED : OTHER;
            case 10:
                return nameIs(b, from, to, "connection") ? CONNECTION
                    : nameIs(b, from, to, "keep-alive") ? KEEP_ALIVE : OTHER;
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

    private static final int OPTION_CLOSE = 1;
    private static final int OPTION_KEEP_ALIVE = 2;
    private static final int OPTION_UPGRADE = 4;
    private static final int NAMED_SHIFT = 8;

    /**
     * The Connection value's options in one pass: the OPTION_ bits, and above NAMED_SHIFT one plus
     * the index of the first {@link #END_TO_END} name (in that list's order) that it lists, or 0.
     */
    private static int connectionOptions(byte[] b, int from, int to) {
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

    private static Result fail(String reason) {
        return new Result(null, reason);
    }

    private static String version(byte[] b, int from, int to) {
        if (to - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
            || b[from + 4] != '/' || b[from + 5] != '1' || b[from + 6] != '.') {
            return null;
        }
        if (b[from + 7] == '1') {
            return "1.1";
        }
        return b[from + 7] == '0' ? "1.0" : null;
    }

    /** RFC 9110 tchar, indexed by byte value. */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (int c = 33; c < 127; c++) {
            TOKEN[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    static boolean isTokenChar(byte c) {
        return c >= 0 && TOKEN[c];
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, int from, int to, byte c) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int trimCr(byte[] b, int from, int lf) {
        return lf > from && b[lf - 1] == '\r' ? lf - 1 : lf;
    }

    private static int skipSpaces(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimSpaces(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    private static boolean nameIs(byte[] b, int from, int to, String lowerName) {
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
    private static long digits(byte[] b, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(b[i])) {
                return -1;
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    private static boolean endsWithToken(byte[] b, int from, int to, String lowerToken) {
        int comma = lastIndexOf(b, from, to, (byte) ',');
        int s = skipSpaces(b, comma < 0 ? from : comma + 1, to);
        return nameIs(b, s, trimSpaces(b, s, to), lowerToken);
    }

    /** The numeric value of name=N in a comma-separated parameter list, or -1. */
    private static long parameter(byte[] b, int from, int to, String lowerName) {
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

    private static final String[] METHODS = {"GET", "POST", "PUT", "HEAD", "DELETE", "PATCH", "OPTIONS", "CONNECT",
        "TRACE"};

    /** The method, without a new string for the standard ones: a method is read for every request. */
    private static String method(byte[] b, int len) {
        for (String m : METHODS) {
            if (m.length() == len && b[0] == m.charAt(0) && isExactly(b, m)) {
                return m;
            }
        }
        return ascii(b, 0, len);
    }

    private static boolean isExactly(byte[] b, String ascii) {
        for (int i = 1; i < ascii.length(); i++) {
            if (b[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
