package io.connscope.testsupport;

import java.util.concurrent.TimeUnit;

/** A child process that must end in time: waited for, and killed when it does not end. */
public final class ChildProcess {

    private ChildProcess() {
    }

    /** Waits at most {@code seconds} for the process to exit; kills it and returns false when it did not. */
    public static boolean exitsWithin(Process process, long seconds) throws InterruptedException {
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            return true;
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return false;
    }

    /** Ends the process as a normal stop would (SIGTERM), so its shutdown hooks run; kills it after 30 s. */
    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
