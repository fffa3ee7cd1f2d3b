package io.connscope.agent.http;

import static io.connscope.agent.http.HeaderFields.*;

import io.connscope.agent.text.SafeText;
import java.nio.charset.StandardCharsets;

/**
 * Parses one complete HTTP/1.x message head (start line and header fields, up to the blank line).
 * Never throws on bad input: a head that cannot be understood yields the reason instead of a head.
 */
final class HeadParser {

    static final int MAX_METHOD = 20;
    static final int MAX_KEPT_VALUE = 256;
    /** An Upgrade value is kept to say which protocol a connection switched to; longer ones are cut. */
    static final int MAX_UPGRADE = 64;

    private HeadParser() {
    }

    /**
     * The parsed head in {@code b[from..to)}, an {@link HttpHead}, or a String saying why it is not a
     * valid HTTP/1.x head. One object either way: a head is parsed for every message, and a wrapper was
     * one more allocation. The head is read where it is: in the bytes a read or write carried when it
     * arrived whole, else in the buffer it was collected in.
     */
    static Object parse(byte[] b, int from, int to, boolean request) {
        int lineEnd = indexOf(b, from, to, (byte) '\n');
        if (lineEnd < 0) {
            return fail("no start line");
        }
        int startEnd = trimCr(b, from, lineEnd);
        String irregularity = startEnd == lineEnd && lineEnd > from ? "bare LF line ending" : null;

        String method = null;
        String target = null;
        int status = 0;
        String version;
        if (request) {
            int sp1 = indexOf(b, from, startEnd, (byte) ' ');
            int sp2 = sp1 < 0 ? -1 : lastIndexOf(b, sp1 + 1, startEnd, (byte) ' ');
            if (sp1 <= from || sp1 - from > MAX_METHOD || sp2 <= sp1 + 1) {
                return fail("malformed request line");
            }
            for (int i = from; i < sp1; i++) {
                if (!isTokenChar(b[i])) {
                    return fail("malformed method");
                }
            }
            version = version(b, sp2 + 1, startEnd);
            if (version == null) {
                return fail("unsupported HTTP version in request line");
            }
            method = method(b, from, sp1);
            target = SafeText.latin1(b, sp1 + 1, sp2, RequestTarget.MAX_LENGTH);
        } else {
            int line = startEnd - from;
            version = line >= 8 ? version(b, from, from + 8) : null;
            if (version == null) {
                return fail("malformed status line");
            }
            int code = from + 9;
            if (line < 12 || b[code - 1] != ' ' || !isDigit(b[code]) || !isDigit(b[code + 1]) || !isDigit(b[code + 2])
                || (line > 12 && b[code + 3] != ' ')) {
                return fail("malformed status code");
            }
            status = (b[code] - '0') * 100 + (b[code + 1] - '0') * 10 + (b[code + 2] - '0');
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
        String host = null;
        String userAgent = null;

        int pos = lineEnd + 1;
        while (pos < to) {
            int end = indexOf(b, pos, to, (byte) '\n');
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
            // The name's characters are checked and its colon found in one pass: every header line of every head.
            int colon = pos;
            while (colon < contentEnd && isTokenChar(b[colon])) {
                colon++;
            }
            if (colon == pos || colon == contentEnd || b[colon] != ':') {
                int first = indexOf(b, colon, contentEnd, (byte) ':');
                return fail(first < 0 || first == pos ? "header line without a name" : "malformed header name");
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
                case HOST:
                    if (request) {
                        host = SafeText.latin1(b, vs, ve, MAX_KEPT_VALUE);
                    }
                    break;
                case USER_AGENT:
                    if (request) {
                        userAgent = SafeText.latin1(b, vs, ve, MAX_KEPT_VALUE);
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
        return new HttpHead(request, method, target, status, version, contentLength, chunked, close,
            keepAlive, connectionUpgrade ? upgrade : null, keepAliveTimeout, proxyConnection, connectionNamesEndToEnd,
            keepAliveHeader, forwarded, traceparent, idempotencyKey, webSocketKey, host, userAgent, irregularity);
    }

    private static String fail(String reason) {
        return reason;
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

    private static int trimCr(byte[] b, int from, int lf) {
        return lf > from && b[lf - 1] == '\r' ? lf - 1 : lf;
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "HEAD", "DELETE", "PATCH", "OPTIONS", "CONNECT",
        "TRACE"};

    /** The method in {@code b[from..to)}, without a new string for the standard ones: a method is read for every request. */
    private static String method(byte[] b, int from, int to) {
        for (String m : METHODS) {
            if (m.length() == to - from && b[from] == m.charAt(0) && isExactly(b, from, m)) {
                return m;
            }
        }
        return ascii(b, from, to);
    }

    private static boolean isExactly(byte[] b, int from, String ascii) {
        for (int i = 1; i < ascii.length(); i++) {
            if (b[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
