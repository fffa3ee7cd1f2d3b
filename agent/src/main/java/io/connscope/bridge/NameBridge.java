package io.connscope.bridge;

/**
 * Static entry point for the advice in {@code java.net.InetAddress}, on the bootstrap path with
 * {@link Bridge}, whose sink, guards and failure accounting it shares. Kept free of lambdas and
 * string concatenation, as {@link Bridge} is.
 */
public final class NameBridge {

    private NameBridge() {
    }

    /** A look-up the JDK's resolver answered (a cache miss), started at {@code startNanos}. */
    public static void nameLookedUp(String host, Object[] addresses, Throwable failure, long startNanos) {
        long end = System.nanoTime();
        ConnectionSink s = Bridge.active(Bridge.HOOK_NAME_LOOKUP);
        if (s != null && !Bridge.isAgentThread() && Bridge.enter()) {
            try {
                s.nameLookedUp(host, addresses, failure, startNanos, end);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_NAME_LOOKUP, t);
            } finally {
                Bridge.exit();
            }
        }
    }
}
