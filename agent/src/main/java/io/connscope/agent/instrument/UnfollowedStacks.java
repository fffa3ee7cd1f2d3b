package io.connscope.agent.instrument;

import io.connscope.agent.runtime.AgentLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Network stacks the application loaded that connscope cannot follow, so that an empty or thin
 * report is never left unexplained: each is named once in connscope's log and in the report's notes.
 * Told by a class the stack loads only when it is used. (Netty's kqueue is followed: its
 * {@code BsdSocket} extends the {@code unix.Socket} that epoll's does, and goes through the same
 * methods; Netty's io_uring transports are followed at their rings.)
 */
public final class UnfollowedStacks {

    /** Internal-name endings of the classes, what each is, and what connscope follows instead. */
    private static final String[][] KNOWN = {
        // Tomcat 9's APR/native connector: its sockets are APR handles, read and written in JNI.
        {"/tomcat/util/net/AprEndpoint", "Tomcat's APR connector (tomcat-native)",
            "Tomcat's NIO and NIO2 connectors are followed, with OpenSSL's TLS too"},
    };
    private static final int MAX = 32;
    private static final Map<String, String> MET = new ConcurrentHashMap<>();

    private UnfollowedStacks() {
    }

    /** Called for each class a library loader defines: notes it when it is one of the {@link #KNOWN} channels. */
    static void classLoaded(String internalName) {
        for (String[] k : KNOWN) {
            if (internalName.endsWith(k[0])) {
                met(internalName, k[1], k[2]);
            }
        }
    }

    /** A stack connscope cannot follow is in use: said once in the log, and kept for the report and the metric. */
    static void met(String internalName, String what, String followedInstead) {
        if (MET.size() < MAX && MET.putIfAbsent(internalName, what) == null) {
            AgentLog.once("unfollowed-" + internalName, what + " is in use (" + internalName.replace('/', '.')
                + "): connscope does not follow connections over it, which are missing from its report and telemetry; "
                + followedInstead, null);
        }
    }

    /** One line per stack met, for the report's notes. */
    public static List<String> notes() {
        checkRings();
        List<String> out = new ArrayList<>();
        MET.forEach((cls, what) -> out.add(what + " is in use (" + cls.replace('/', '.')
            + "): connections over it are not followed and are missing from this report"));
        out.sort(null);
        return out;
    }

    /** How many such stacks were met. */
    public static int count() {
        checkRings();
        return MET.size();
    }

    /** An io_uring ring whose completions are not hooked is a stack connscope cannot follow. */
    private static void checkRings() {
        String unpaired = IoUringHooks.unpaired();
        if (unpaired != null) {
            met(unpaired.replace('.', '/'), "Netty's io_uring transport, whose completion method was not found in this"
                + " version,", "its epoll transport is followed");
        }
    }
}
