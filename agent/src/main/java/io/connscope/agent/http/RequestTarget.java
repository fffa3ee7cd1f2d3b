package io.connscope.agent.http;

/**
 * What connscope exports of a request target: its path; its query only when asked to
 * ({@code connscope.capture.query}); never its fragment or an absolute-form target's user info.
 */
public final class RequestTarget {

    /**
     * Request targets (path and query) are kept up to this many characters, control characters
     * escaped (see {@link io.connscope.agent.text.SafeText}): a longer one is cut and ends with "…".
     */
    public static final int MAX_LENGTH = 512;

    private RequestTarget() {
    }

    /** The path of a request target: origin-form without query, absolute-form's path, or "*". */
    public static String path(String target) {
        if (target == null || target.isEmpty()) {
            return null;
        }
        String t = target;
        int scheme = t.indexOf("://");
        if (scheme > 0 && t.charAt(0) != '/') {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        } else if (t.charAt(0) != '/' && !t.equals("*")) {
            return null; // authority-form (CONNECT host:port)
        }
        return t.substring(0, pathEnd(t));
    }

    /**
     * The host of a Host header or an :authority ({@code example.com:8080} gives {@code example.com},
     * {@code [::1]:80} gives {@code ::1}, any user info dropped); null when there is none.
     */
    public static String hostOf(String authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.substring(authority.lastIndexOf('@') + 1).trim();
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            return close > 1 ? a.substring(1, close) : null;
        }
        int colon = a.indexOf(':');
        String host = colon < 0 ? a : a.substring(0, colon);
        return host.isEmpty() ? null : host;
    }

    /** The query of a request target, without its '?' and any fragment; null when it has none. */
    public static String query(String target) {
        if (target == null) {
            return null;
        }
        int q = target.indexOf('?');
        if (q < 0 || target.indexOf('#') >= 0 && target.indexOf('#') < q) {
            return null;
        }
        int end = target.indexOf('#', q + 1);
        return target.substring(q + 1, end < 0 ? target.length() : end);
    }

    /**
     * {@code url.full} of a client's request: an absolute-form target as it is, else the scheme, the
     * destination as the client named it (with its port when it is not the scheme's default) and the
     * path; never user info (the conventions' "no credentials") or a fragment, and the query only when
     * {@code withQuery} ({@code connscope.capture.query}). Null for authority-form (CONNECT) and "*".
     */
    public static String fullUrl(String target, String scheme, String host, int port, boolean withQuery) {
        String path = path(target);
        if (path == null || path.equals("*")) {
            return null;
        }
        String query = withQuery ? query(target) : null;
        int sep = target.indexOf("://");
        StringBuilder b = new StringBuilder();
        if (sep > 0 && target.charAt(0) != '/') {
            int authorityEnd = target.indexOf('/', sep + 3);
            String authority = target.substring(sep + 3, authorityEnd < 0 ? target.length() : authorityEnd);
            b.append(target, 0, sep + 3).append(authority.substring(authority.lastIndexOf('@') + 1));
        } else {
            if (host == null) {
                return null;
            }
            b.append(scheme).append("://").append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
            if (port > 0 && port != (scheme.equals("https") ? 443 : 80)) {
                b.append(':').append(port);
            }
        }
        b.append(path);
        if (query != null) {
            b.append('?').append(query);
        }
        return b.toString();
    }

    /** Where a path ends: at its query, its fragment or the end. */
    private static int pathEnd(String t) {
        int cut = t.length();
        for (char c : new char[] {'?', '#'}) {
            int i = t.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return cut;
    }
}
