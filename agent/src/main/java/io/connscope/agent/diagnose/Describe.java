package io.connscope.agent.diagnose;

import io.connscope.agent.http.HttpExchange;
import java.util.Locale;

/** The wording shared by the HTTP rules' evidence. */
final class Describe {

    private Describe() {
    }

    /** "request 2 (POST /orders)". */
    static String request(HttpExchange e) {
        return "request " + e.index + " (" + e.method() + " " + target(e.target()) + ")";
    }

    /** The target without its query, which may hold secrets. */
    static String target(String target) {
        if (target == null) {
            return "?";
        }
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q) + "?…";
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
