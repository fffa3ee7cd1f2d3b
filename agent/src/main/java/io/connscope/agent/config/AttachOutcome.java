package io.connscope.agent.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the attach command learns what happened in the JVM it loaded connscope into. The command passes
 * a random id in the agent arguments ({@value #ID}); the agent, before {@code agentmain} returns,
 * records its outcome in a system property of that JVM named after the id; the command then reads
 * the JVM's system properties over the same attach connection. So a refusal (already running, not
 * running), rejected settings and a failure reach the operator's terminal with a non-zero exit,
 * not only the target's stderr. {@value #RUNNING} holds connscope's version while it runs, for
 * {@code list}.
 */
public final class AttachOutcome {

    /** The agent argument with the command's id; never a setting, never listed among them. */
    public static final String ID = "connscope.attach.id";
    /** Set to connscope's version while it runs in this JVM. */
    public static final String RUNNING = "connscope.running";
    private static final String PROPERTY = "connscope.attach.outcome.";
    private static final char SEPARATOR = '\n';

    /** What happened. */
    public enum Status {
        /** Started, or stopped, as asked. */
        DONE,
        /** Started, but some settings were rejected: their defaults apply. */
        SETTINGS_REJECTED,
        /** Not done, for the reason given: already running, not running, turned off. */
        REFUSED,
        /** Failed with an internal error. */
        FAILED
    }

    private AttachOutcome() {
    }

    /** The id in agent arguments, or null when none is there (a -javaagent start, an older command). */
    public static String id(String args) {
        for (String part : parts(args)) {
            if (part.startsWith(ID + "=")) {
                return part.substring(ID.length() + 1);
            }
        }
        return null;
    }

    /** The agent arguments without the id. */
    public static String withoutId(String args) {
        List<String> kept = new ArrayList<>();
        for (String part : parts(args)) {
            if (!part.startsWith(ID + "=")) {
                kept.add(part);
            }
        }
        return String.join(",", kept);
    }

    /** Records the outcome for the command with this id; nothing when there is none. */
    public static void record(String id, Status status, List<String> messages) {
        if (id == null) {
            return;
        }
        StringBuilder b = new StringBuilder(status.name());
        for (String m : messages) {
            b.append(SEPARATOR).append(m.replace(SEPARATOR, ' '));
        }
        try {
            System.setProperty(PROPERTY + id, b.toString());
        } catch (RuntimeException e) {
            // a security manager that refuses: the command then says it got no answer
        }
    }

    /** Whether a system property is one of these, not a setting. */
    public static boolean isOwnProperty(String key) {
        return key.equals(RUNNING) || key.startsWith(PROPERTY) || key.equals(ID);
    }

    /** The property the outcome for {@code id} is recorded in. */
    public static String property(String id) {
        return PROPERTY + id;
    }

    /** The status of a recorded outcome. */
    public static Status status(String recorded) {
        int end = recorded.indexOf(SEPARATOR);
        return Status.valueOf(end < 0 ? recorded : recorded.substring(0, end));
    }

    /** The messages of a recorded outcome. */
    public static List<String> messages(String recorded) {
        List<String> all = Arrays.asList(recorded.split(String.valueOf(SEPARATOR), -1));
        return all.subList(1, all.size());
    }

    /**
     * The comma-separated parts, as the agent arguments split them: the id is a plain value, so the
     * escaping of commas (see AgentConfig) does not matter here, and the other parts are kept whole.
     */
    private static List<String> parts(String args) {
        return args == null || args.isEmpty() ? List.of() : Arrays.asList(args.split(",", -1));
    }
}
