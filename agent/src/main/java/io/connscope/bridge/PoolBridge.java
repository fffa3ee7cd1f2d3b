package io.connscope.bridge;

/**
 * Static entry point for the advice in client libraries' connection pools, on the bootstrap path with
 * {@link Bridge}, whose sink, guards and failure accounting it shares. Kept free of lambdas and
 * string concatenation, as {@link Bridge} is. A pool leases a connection for every request: a lease
 * that did not wait costs a clock read and a comparison, and goes no further.
 */
public final class PoolBridge {

    /**
     * A lease shorter than this is not told: a free connection takes microseconds, and Apache's check of
     * a connection idle a while (a read of at most 1 ms) stays well under it; a lease the pool made wait
     * for a connection to come back, or its timeout, does not.
     */
    public static final long MIN_WAIT_NANOS = 20_000_000L;

    private PoolBridge() {
    }

    /** The application's thread asked the pool for a connection at {@code startNanos}; it got one, or {@code failure}. */
    public static void leaseEnded(Object route, Throwable failure, long startNanos) {
        long end = System.nanoTime();
        if (end - startNanos >= MIN_WAIT_NANOS) {
            waited(route, failure, startNanos, end);
        }
    }

    private static void waited(Object route, Throwable failure, long startNanos, long endNanos) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_POOL_LEASE);
        if (s != null && !Bridge.isAgentThread() && Bridge.enter()) {
            try {
                s.poolWaited(route, failure, startNanos, endNanos);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_POOL_LEASE, t);
            } finally {
                Bridge.exit();
            }
        }
    }
}
