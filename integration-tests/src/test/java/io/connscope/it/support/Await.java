package io.connscope.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

/** Polls a condition about a child JVM until it holds, failing the test with what was awaited. */
public final class Await {

    /** A condition that may need I/O to check. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    public static void until(String what, long seconds, Condition condition) throws Exception {
        assertThat(holdsWithin(seconds, condition)).as("waiting for " + what).isTrue();
    }

    /** Whether the condition came to hold within the time; the caller then says what failed. */
    public static boolean holdsWithin(long seconds, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
