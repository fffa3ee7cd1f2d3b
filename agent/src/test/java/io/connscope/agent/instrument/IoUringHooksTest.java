package io.connscope.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** IoUringHooks' state is the JVM's: each case gets a fresh copy of the class, in a loader of its own. */
class IoUringHooksTest {

    private static final String QUEUE = "io.netty.incubator.channel.uring.IOUringSubmissionQueue";

    @Test
    void aSubmissionQueueLoadedBeforeItsEventLoopIsNotAnUnfollowedRing() throws Exception {
        try (URLClassLoader loader = fresh()) {
            // Netty's availability check loads the queue (and makes a ring) before the event loop class.
            call(loader, "woven", "/channel/uring/IOUringSubmissionQueue", QUEUE, true);
            assertThat(call(loader, "unpaired")).isNull();
            call(loader, "woven", "/channel/uring/IOUringEventLoop", "io.netty.incubator.channel.uring.IOUringEventLoop", true);
            call(loader, "submittedUnpaired"); // cannot happen once completions are hooked, and changes nothing
            assertThat(call(loader, "unpaired")).isNull();
        }
    }

    @Test
    void submissionsWithoutACompletionHookAreAnUnfollowedRing() throws Exception {
        try (URLClassLoader loader = fresh()) {
            call(loader, "woven", "/channel/uring/IOUringEventLoop", "io.netty.incubator.channel.uring.IOUringEventLoop", false);
            call(loader, "woven", "/channel/uring/IOUringSubmissionQueue", QUEUE, true);
            assertThat(call(loader, "unpaired")).as("no submission yet").isNull();
            call(loader, "submittedUnpaired");
            assertThat(call(loader, "unpaired")).isEqualTo(QUEUE);
        }
    }

    private static URLClassLoader fresh() {
        URL classes = IoUringHooks.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {classes}, null);
    }

    private static Object call(ClassLoader loader, String name, Object... args) throws Exception {
        Class<?> hooks = Class.forName(IoUringHooks.class.getName(), true, loader);
        for (Method m : hooks.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                m.setAccessible(true);
                return m.invoke(null, args);
            }
        }
        throw new NoSuchMethodException(name);
    }
}
