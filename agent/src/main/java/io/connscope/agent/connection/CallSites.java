package io.connscope.agent.connection;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Where the application opened a connection: the first application frames of the connect call,
 * skipping the JDK's and connscope's own, and an HTTP client library's above the application's. Captured with a StackWalker on each connect, and nothing
 * per read or write.
 *
 * <p>A frame's line number costs a StackTraceElement, which was most of a walk's price, so each
 * distinct frame (class, method, bytecode index) is formatted once and then looked up; whether a
 * class is internal is decided once per class. A connect then pays for little more than the walk.
 * The walk itself is rationed per destination (a {@link CallSiteBudget}), so a client opening a
 * connection per request pays for a few walks a second, not one per request.
 */
public final class CallSites {

    private static final String[] INTERNAL = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "io.connscope.agent.",
        "io.connscope.bridge.", "io.connscope.shaded."};
    /**
     * HTTP client libraries that connect on the application's own thread: their frames are passed over
     * for the application's below them (where it sent the request), and shown only when none follow.
     */
    private static final String[] CLIENT_LIBRARIES = {"org.apache.hc.", "org.apache.http.", "okhttp3.", "okio.",
        "kotlin.", "retrofit2.", "feign.", "org.springframework.web.client.", "org.springframework.http.client.",
        "org.eclipse.jetty.client."};
    /** Frames walked at most for an application frame below a client library's. */
    static final int MAX_WALKED = 128;
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** Distinct call sites kept, so the many connections opened from one place share one string. */
    static final int MAX_INTERNED = 1024;
    /** Distinct formatted frames kept; beyond it frames are formatted on every capture. */
    static final int MAX_FRAMES = 4096;

    private final int frames;
    private final int perSecond;
    private final ConcurrentHashMap<String, String> interned = new ConcurrentHashMap<>();
    private final AtomicInteger formattedCount = new AtomicInteger();
    /** Kept on each class (a ClassValue), so it never keeps an application's class loader alive. */
    private final ClassValue<ClassFrames> classes = new ClassValue<>() {
        @Override
        protected ClassFrames computeValue(Class<?> type) {
            String name = type.getName();
            return new ClassFrames(internal(name), startsWithAny(name, CLIENT_LIBRARIES));
        }
    };

    /**
     * @param frames application frames to keep; 0 turns capture off
     * @param perSecond call sites captured per destination and second; connections beyond it get
     *     their destination's latest captured site, marked as inferred
     */
    public CallSites(int frames, int perSecond) {
        this.frames = frames;
        this.perSecond = perSecond;
    }

    /** Sets where {@code r} was opened: captured while its destination's budget lasts, else inferred. */
    public void recordOpenedAt(ConnectionRecord r, long nowNanos) {
        if (frames == 0) {
            return;
        }
        CallSiteBudget budget = r.destination.stats.callSites;
        if (budget.take(nowNanos, perSecond)) {
            String site = capture();
            r.openedAt = site;
            if (site != null) {
                budget.latest = site;
            }
        } else {
            String latest = budget.latest;
            r.openedAt = latest;
            r.openedAtInferred = latest != null;
        }
    }

    /** The call site as "Class.method:line < Caller.method:line", or null when capture is off or nothing is found. */
    public String capture() {
        if (frames == 0) {
            return null;
        }
        String site = WALKER.walk(this::site);
        if (site == null) {
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

    /** The first application frames; a client library's when no application frame follows them (an event loop's). */
    private String site(Stream<StackWalker.StackFrame> stack) {
        StringBuilder site = null;
        StringBuilder library = null;
        int kept = 0;
        int keptOfLibrary = 0;
        int walked = 0;
        for (Iterator<StackWalker.StackFrame> it = stack.iterator(); it.hasNext() && kept < frames && walked < MAX_WALKED;
             walked++) {
            StackWalker.StackFrame f = it.next();
            ClassFrames c = classes.get(f.getDeclaringClass());
            if (c.internal) {
                continue;
            }
            if (c.library && site == null) {
                if (keptOfLibrary < frames) {
                    library = library == null ? new StringBuilder(96) : library.append(" < ");
                    library.append(format(c, f));
                    keptOfLibrary++;
                }
                continue;
            }
            site = site == null ? new StringBuilder(96) : site.append(" < ");
            site.append(format(c, f));
            kept++;
        }
        StringBuilder found = site != null ? site : library;
        return found == null ? null : found.toString();
    }

    private String format(ClassFrames c, StackWalker.StackFrame f) {
        Position key = new Position(f.getMethodName(), f.getByteCodeIndex());
        String text = c.texts.get(key);
        if (text == null) {
            text = f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber();
            if (formattedCount.get() < MAX_FRAMES && c.texts.putIfAbsent(key, text) == null) {
                formattedCount.incrementAndGet();
            }
        }
        return text;
    }

    static boolean internal(String className) {
        return startsWithAny(className, INTERNAL);
    }

    private static boolean startsWithAny(String className, String[] prefixes) {
        for (String prefix : prefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** What is known of one class: whether it is internal or a client library's, and its frames formatted so far. */
    private static final class ClassFrames {
        final boolean internal;
        final boolean library;
        final ConcurrentHashMap<Position, String> texts = new ConcurrentHashMap<>(4);

        ClassFrames(boolean internal, boolean library) {
            this.internal = internal;
            this.library = library;
        }
    }

    /** One bytecode position in one method of a class: it always formats to the same text. */
    private static final class Position {
        private final String method;
        private final int bci;

        Position(String method, int bci) {
            this.method = method;
            this.bci = bci;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Position && ((Position) o).bci == bci && ((Position) o).method.equals(method);
        }

        @Override
        public int hashCode() {
            return method.hashCode() * 31 + bci;
        }
    }
}
