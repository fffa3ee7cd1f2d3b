package io.connscope.agent.http;

/** What connscope records of a request target: its path, never its query or fragment, which may hold secrets. */
public final class RequestTarget {

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
        int cut = t.length();
        for (char c : new char[] {'?', '#'}) {
            int i = t.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return t.substring(0, cut);
    }
}
