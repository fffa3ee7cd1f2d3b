package io.connscope.agent.report;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request to the live report, read from its head, and what to answer. Only {@code GET /},
 * {@code GET /report.txt} and {@code GET /api/report.json} are served, and only to a request that names this server as the loopback
 * address or {@code localhost} with its port, in its {@code Host} header and, when a browser sends
 * one, in its {@code Origin}: a page from another site, even one whose name an attacker made resolve
 * to 127.0.0.1 (DNS rebinding), gets 403 and nothing of the report.
 */
final class LiveReportRequest {

    /** What to answer. */
    enum Answer {
        HTML(200), TEXT(200), JSON(200), BAD_REQUEST(400), FORBIDDEN(403), NOT_FOUND(404), METHOD_NOT_ALLOWED(405);

        final int status;

        Answer(int status) {
            this.status = status;
        }
    }

    private LiveReportRequest() {
    }

    /**
     * The answer to the request head {@code head[0..length)} (up to its blank line), for a server
     * listening at {@code boundAddress}:{@code port}.
     */
    static Answer answer(byte[] head, int length, String boundAddress, int port) {
        String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n");
        String[] start = lines[0].split(" ");
        if (start.length != 3 || !start[2].startsWith("HTTP/1.")) {
            return Answer.BAD_REQUEST;
        }
        String host = null;
        String origin = null;
        String fetchSite = null;
        int hosts = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("host")) {
                host = value;
                hosts++;
            } else if (name.equals("origin")) {
                origin = value;
            } else if (name.equals("sec-fetch-site")) {
                fetchSite = value;
            }
        }
        if (hosts != 1) {
            return Answer.BAD_REQUEST; // RFC 9112 §3.2: exactly one Host
        }
        if (!isThisServer(host, boundAddress, port)
            || origin != null && !(origin.startsWith("http://") && isThisServer(origin.substring(7), boundAddress, port))
            || "cross-site".equalsIgnoreCase(fetchSite)) {
            return Answer.FORBIDDEN;
        }
        if (!start[0].equals("GET")) {
            return Answer.METHOD_NOT_ALLOWED;
        }
        String path = start[1];
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        switch (path) {
            case "/":
                return Answer.HTML;
            case "/report.txt":
                return Answer.TEXT;
            case "/api/report.json":
                return Answer.JSON;
            default:
                return Answer.NOT_FOUND;
        }
    }

    /** "127.0.0.1:port", "localhost:port" or "[bound address]:port", in any case. */
    private static boolean isThisServer(String authority, String boundAddress, int port) {
        String a = authority.toLowerCase(Locale.ROOT);
        String suffix = ":" + port;
        if (!a.endsWith(suffix)) {
            return false;
        }
        String name = a.substring(0, a.length() - suffix.length());
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals(boundAddress)
            || name.equals("[" + boundAddress + "]") || name.equals("[::1]") && boundAddress.equals("0:0:0:0:0:0:0:1");
    }
}
