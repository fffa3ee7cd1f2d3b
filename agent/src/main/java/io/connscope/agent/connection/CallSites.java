package io.connscope.agent.connection;

import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Where the application opened a connection: the first application frames of the connect call,
 * skipping the JDK's and connscope's own. Captured with a StackWalker limited to a few frames, so
 * it costs microseconds per connect and nothing per read or write.
 */
public final class CallSites {

    private static final String[] INTERNAL = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "io.connscope.agent.",
        "io.connscope.bridge.", "io.connscope.shaded."};
    private static final StackWalker WALKER = StackWalker.getInstance();

    /** Distinct call sites kept, so the many connections opened from one place share one string. */
    static final int MAX_INTERNED = 1024;

    private final int frames;
    private final ConcurrentHashMap<String, String> interned = new ConcurrentHashMap<>();

    /** @param frames application frames to keep; 0 turns capture off */
    public CallSites(int frames) {
        this.frames = frames;
    }

    /** The call site as "Class.method:line < Caller.method:line", or null when capture is off or nothing is found. */
    public String capture() {
        if (frames == 0) {
            return null;
        }
        String site = WALKER.walk(s -> s.filter(f -> !internal(f.getClassName())).limit(frames)
            .map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber())
            .collect(Collectors.joining(" < ")));
        if (site.isEmpty()) {
            return null;
        }
        String shared = interned.get(site);
        if (shared != null) {
            return shared;
        }
        if (interned.size() < MAX_INTERNED) {
            shared = interned.putIfAbsent(site, site);
        }
        return shared != null ? shared : site;
    }

    static boolean internal(String className) {
        for (String prefix : INTERNAL) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
