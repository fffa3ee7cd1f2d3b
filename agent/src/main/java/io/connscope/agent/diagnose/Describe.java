package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.NameResolution;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.http.RequestTarget;
import io.connscope.agent.text.SafeText;
import java.util.Locale;

/** The wording shared by the rules' evidence. */
final class Describe {

    private Describe() {
    }

    /** "request 2 (POST /orders)". */
    static String request(HttpExchange e) {
        return "request " + e.index + " (" + e.method() + " " + target(e.target()) + ")";
    }

    /** Paths in evidence are cut to this many characters, so the figures after them are never cut off. */
    static final int MAX_PATH = 200;

    /** The target's path, with "?…" where a query (which may hold secrets) was left out. */
    static String target(String target) {
        String path = RequestTarget.path(target);
        if (path == null) {
            return target == null ? "?" : "(" + target.length() + "-character target)";
        }
        return SafeText.of(path, MAX_PATH) + (target.indexOf('?') >= 0 ? "?…" : "");
    }

    /** "; opened at Site" (marked when inferred from its destination's latest captured site), or "". */
    static String openedAt(ConnectionRecord r) {
        String site = r.openedAt();
        if (site == null) {
            return "";
        }
        return r.openedAtInferred() ? "; probably opened at " + site + " (its destination opened connections faster than"
            + " call sites are captured, so this is the latest one captured)" : "; opened at " + site;
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    /** A name's answer as last resolved: "127.0.0.2, 127.0.0.1", "... (20 addresses)", or "not seen resolved". */
    static String addresses(NameResolution n) {
        if (n.addresses.isEmpty()) {
            return "not seen resolved by this JVM's resolver";
        }
        String list = String.join(", ", n.addresses);
        return n.addressCount > n.addresses.size() ? list + ", ... (" + n.addressCount + " addresses)" : list;
    }
}
