package okhttp3;

import io.connscope.agent.connection.CallSites;

/** Stands for an HTTP client library that connects on the application's thread, for CallSitesTest. */
public final class LibraryCaller {

    private LibraryCaller() {
    }

    /** Captures a call site from within the library, {@code depth} of its frames deep. */
    public static String capture(CallSites sites, int depth) {
        return depth == 0 ? sites.capture() : capture(sites, depth - 1);
    }
}
