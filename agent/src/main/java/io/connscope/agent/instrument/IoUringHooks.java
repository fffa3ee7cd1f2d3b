package io.connscope.agent.instrument;

/**
 * Whether an io_uring transport's completion hook is in place. Submissions are followed only then:
 * without their completions (a Netty version whose completion method has another shape) they would
 * pile up unpaired, and connects would never finish. Set when a completion class is woven with its
 * advice; that class is loaded before any submission queue, as the event loop makes its ring.
 */
public final class IoUringHooks {

    /** Internal-name endings of the classes whose completion method is hooked, and of the submission queues. */
    static final String[] COMPLETIONS = {"/channel/uring/IoUringIoHandler", "/channel/uring/IOUringEventLoop"};
    static final String[] SUBMISSIONS = {"/channel/uring/SubmissionQueue", "/channel/uring/IOUringSubmissionQueue"};

    private static volatile boolean completionsWoven;
    /** The submission queue class woven, or null. */
    private static volatile String submissions;
    /** A submission was queued while no completion hook was in place: a ring connscope cannot follow is in use. */
    private static volatile boolean submittedUnpaired;

    private IoUringHooks() {
    }

    public static void completionsWoven(boolean woven) {
        completionsWoven = woven || completionsWoven;
    }

    public static boolean completionsWoven() {
        return completionsWoven;
    }

    /** A submission came while completions are not hooked (and is not followed). */
    public static void submittedUnpaired() {
        if (!submittedUnpaired) {
            submittedUnpaired = true;
        }
    }

    /** A class matched by suffix was woven: a completion class with its method marks completions hooked. */
    static void woven(String suffix, String className, boolean methodsMatched) {
        for (String c : COMPLETIONS) {
            if (c.equals(suffix) && methodsMatched) {
                completionsWoven(true);
            }
        }
        for (String s : SUBMISSIONS) {
            if (s.equals(suffix)) {
                submissions = className;
            }
        }
    }

    /**
     * The submission queue class, when a ring whose completions are not hooked (a Netty version whose
     * completion method has another shape) had a submission, or null. Asked when the report and the metric
     * are made. A woven submission queue alone says nothing: Netty's availability check loads it (and makes
     * a ring) before the event loop class, whose completion hook may simply not be woven yet.
     */
    static String unpaired() {
        String s = submissions;
        return s != null && submittedUnpaired && !completionsWoven ? s : null;
    }
}
