package io.connscope.agent.instrument;

import io.connscope.bridge.PoolBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for Apache HttpClient 5's classic {@code InternalExecRuntime.acquireEndpoint(String,
 * HttpRoute, Object, HttpClientContext)}: where the application's thread leases a connection from the
 * pool, and waits for one while the pool is exhausted, up to its ConnectionRequestTimeout (verified
 * with javap on httpclient5 5.6.5). Its time is the pool's wait, plus a lease's own microseconds.
 */
public final class PoolLeaseAdvice {

    private PoolLeaseAdvice() {
    }

    public static final class Acquire {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(1) Object route, @Advice.Thrown Throwable failure, @Advice.Enter long startNanos) {
            PoolBridge.leaseEnded(route, failure, startNanos);
        }
    }
}
