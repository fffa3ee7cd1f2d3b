package io.connscope.agent.connection;

import java.io.IOException;
import java.util.Locale;

/** What Linux's strerror says for the errors a TCP socket's operations end in. */
final class Errno {

    private Errno() {
    }

    /** "Connection reset", "Connection reset by peer" and "Broken pipe": the peer sent RST. */
    static boolean isReset(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        String m = t.getMessage();
        if (m == null) {
            return false;
        }
        String lower = m.toLowerCase(Locale.ROOT);
        return lower.contains("connection reset") || lower.contains("broken pipe");
    }

    static String describe(int errno) {
        switch (errno) {
            case 32:
                return "Broken pipe";
            case 101:
                return "Network is unreachable";
            case 103:
                return "Software caused connection abort";
            case 104:
                return "Connection reset by peer";
            case 107:
                return "Transport endpoint is not connected";
            case 110:
                return "Connection timed out";
            case 111:
                return "Connection refused";
            case 113:
                return "No route to host";
            default:
                return "errno " + errno;
        }
    }
}
