package io.connscope.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The agent's own messages, on stderr with a prefix, so they never mix with the host's logging setup. */
public final class AgentLog {

    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();
    private static volatile boolean debug;

    private AgentLog() {
    }

    public static void setDebug(boolean on) {
        debug = on;
    }

    public static boolean isDebug() {
        return debug;
    }

    public static void info(String message) {
        System.err.println("[connscope] " + message);
    }

    public static void debug(String message) {
        if (debug) {
            info(message);
        }
    }

    /** Logs a message only the first time its key is seen; bounded by the number of distinct keys in the code. */
    public static void once(String key, String message, Throwable error) {
        if (SAID.add(key)) {
            info(message);
            if (error != null && debug) {
                error.printStackTrace();
            }
        }
    }
}
