package io.connscope.agent.instrument;

import io.connscope.agent.AgentLog;
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
            if (internalName.endsWith(k[0]) && MET.size() < MAX && MET.putIfAbsent(internalName, k[1]) == null) {
                AgentLog.once("unfollowed-" + internalName, k[1] + " is in use (" + internalName.replace('/', '.')
                    + "): connscope does not follow connections over it, which are missing from its report and telemetry;"
                    + " " + k[2], null);
            }
        }
    }

    /** One line per stack met, for the report's notes. */
    public static List<String> notes() {
        List<String> out = new ArrayList<>();
        MET.forEach((cls, what) -> out.add(what + " is in use (" + cls.replace('/', '.')
            + "): connections over it are not followed and are missing from this report"));
        out.sort(null);
        return out;
    }

    /** How many such stacks were met. */
    public static int count() {
        return MET.size();
    }
}
