package io.connscope.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AgentThreadsTest {

    @Test
    void anExceptionEndingAConnscopeThreadNeverReachesTheApplicationsHandler() throws InterruptedException {
        AgentThreads threads = new AgentThreads();
        AtomicReference<Throwable> seenByApplication = new AtomicReference<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> seenByApplication.set(e));
        try {
            Thread t = threads.daemon("connscope-test", () -> {
                throw new IllegalStateException("boom");
            });
            t.start();
            t.join();
            // a thread started by one of connscope's, as the SDK's are, belongs to the group too
            Thread child = threads.daemon("connscope-parent", () -> {
                Thread grandchild = new Thread(() -> {
                    throw new IllegalArgumentException("boom again");
                });
                grandchild.start();
                try {
                    grandchild.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            child.start();
            child.join();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        assertThat(seenByApplication.get()).isNull();
        assertThat(threads.uncaught()).isEqualTo(2);
        assertThat(threads.firstUncaught()).isEqualTo("connscope-test: java.lang.IllegalStateException: boom");
    }

    @Test
    void boundedWorkReturnsAtTheTimeoutAndLeavesOnlyADaemonBehind() throws InterruptedException {
        AgentThreads threads = new AgentThreads();
        CountDownLatch never = new CountDownLatch(1);
        long start = System.nanoTime();
        boolean finished = threads.runBounded("connscope-stuck", () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 300);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(finished).isFalse();
        assertThat(millis).isBetween(290L, 5_000L); // join() waits whole milliseconds
        Thread[] left = new Thread[4];
        int n = threads.enumerate(left);
        assertThat(n).isEqualTo(1);
        assertThat(left[0].isDaemon()).isTrue();
        never.countDown();
        assertThat(threads.runBounded("connscope-quick", () -> { }, 5_000)).isTrue();
    }
}
