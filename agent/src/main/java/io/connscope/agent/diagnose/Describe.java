package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.RequestTarget;
import java.util.Locale;

/** The wording shared by the rules' evidence. */
final class Describe {

    private Describe() {
    }

    /** "request 2 (POST /orders)". */
    static String request(HttpExchange e) {
        return "request " + e.index + " (" + e.method() + " " + target(e.target()) + ")";
    }

    /** The target's path, with "?…" where a query (which may hold secrets) was left out. */
    static String target(String target) {
        String path = RequestTarget.path(target);
        if (path == null) {
            return target == null ? "?" : "(" + target.length() + "-character target)";
        }
        return target.indexOf('?') >= 0 ? path + "?…" : path;
    }

    /** "; opened at Site" (marked when inferred from its destination's latest captured site), or "". */
    static String openedAt(ConnectionRecord r) {
        String site = r.openedAt;
        if (site == null) {
            return "";
        }
        return r.openedAtInferred ? "; probably opened at " + site + " (its destination opened connections faster than"
            + " call sites are captured, so this is the latest one captured)" : "; opened at " + site;
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
