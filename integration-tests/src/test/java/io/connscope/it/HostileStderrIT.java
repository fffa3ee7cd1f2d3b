package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.HostileStderrApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.testsupport.Jvm;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * connscope at exit, when the application's stderr is hostile: whatever it does there is bounded
 * by connscope.shutdown.timeout.ms, and nothing of connscope's reaches the application's
 * uncaught-exception handler.
 */
class HostileStderrIT {

    private static final long TIMEOUT_MS = 1000;
    /** Beyond the timeout: the JVM's own exit (other hooks, halting), on a busy two-core machine. */
    private static final long EXIT_SLACK_MS = 2000;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aStderrThatBlocksNeverHoldsTheJvmAtExitNorAfterSigterm(Jvm jvm) throws Exception {
        try (ChildJvm.Running app = ChildJvm.on(jvm).agentArgs("shutdown.timeout.ms=" + TIMEOUT_MS)
                 .startFixture(HostileStderrApp.class, "blocking")) {
            app.awaitLine("ready=yes", 60);
            long ready = System.nanoTime();
            ChildJvm.Result run = app.awaitExit(60).assertSuccess();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ready)).as("exit after main returned")
                .isLessThan(TIMEOUT_MS + EXIT_SLACK_MS);
            assertThat(run.stdout).doesNotContain("uncaught");
        }
        try (ChildJvm.Running app = ChildJvm.on(jvm).agentArgs("shutdown.timeout.ms=" + TIMEOUT_MS)
                 .startFixture(HostileStderrApp.class, "blocking", "wait")) {
            app.awaitLine("ready=yes", 60);
            long stop = System.nanoTime();
            app.stop(); // SIGTERM, and SIGKILL after 30 s
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stop)).as("exit after SIGTERM")
                .isLessThan(TIMEOUT_MS + EXIT_SLACK_MS);
            assertThat(app.stdout()).doesNotContain("uncaught");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aStderrThatThrowsAndAnExhaustedHeapLeaveTheApplicationsHandlerAlone(Jvm jvm) throws Exception {
        ChildJvm.Result throwing = ChildJvm.on(jvm).fixture(HostileStderrApp.class, "throwing").assertSuccess();
        assertThat(throwing.stdout).contains("ready=yes").doesNotContain("uncaught");

        ChildJvm.Result oom = ChildJvm.on(jvm).jvmArg("-Xmx32m").fixture(HostileStderrApp.class, "oom").assertSuccess();
        assertThat(oom.stdout).contains("ready=yes").doesNotContain("uncaught");
        assertThat(oom.stderr).contains("==== connscope connection report ====");
    }
}
