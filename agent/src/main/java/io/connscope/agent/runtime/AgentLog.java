package io.connscope.agent.runtime;

import io.connscope.agent.text.SafeText;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own messages, on stderr with a prefix, so they never mix with the host's logging
 * setup. One line each: control characters in a message (which may quote a host name or a setting
 * from elsewhere) are escaped and its length is bounded. A stderr that throws is the application's
 * business: connscope's message is then lost, and nothing reaches the caller.
 */
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

    /** Messages longer than this are cut. */
    private static final int MAX_MESSAGE = 2000;

    public static void info(String message) {
        try {
            System.err.println("[connscope] " + SafeText.of(message, MAX_MESSAGE));
        } catch (Throwable lost) {
            // the application's stderr failed; connscope has nowhere else to say it
        }
    }

    public static void debug(String message) {
        if (debug) {
            info(message);
        }
    }

    /** A stack trace line by line, each escaped like a message: exception messages may quote the wire. */
    private static void stackTrace(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        for (String line : trace.toString().split("\r?\n")) {
            info(line);
        }
    }

    /** Logs a message only the first time its key is seen; bounded by the number of distinct keys in the code. */
    public static void once(String key, String message, Throwable error) {
        if (SAID.add(key)) {
            info(message);
            if (error != null && debug) {
                stackTrace(error);
            }
        }
    }
}
