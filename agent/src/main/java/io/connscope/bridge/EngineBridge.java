package io.connscope.bridge;

/**
 * Static entry points for the advice in every {@code SSLEngine}'s wrap and unwrap, on the bootstrap
 * path with {@link Bridge}, whose sink, hook switches and failure accounting they share. Kept free of
 * lambdas and string concatenation, as {@link Bridge} is.
 */
public final class EngineBridge {

    /**
     * Per thread: [0] how deep this thread is in SSLEngine wrap and unwrap calls that report (wrappers
     * delegate); [1] the position of the outermost call's ciphertext buffer before it, or -1.
     */
    private static final ThreadLocal<int[]> ENGINE_DEPTH = new ThreadLocal<int[]>();

    private EngineBridge() {
    }

    /**
     * An {@code SSLEngine} wrap ({@code wrap} true) or unwrap returned {@code result}. The plaintext
     * buffers' positions before the call are in {@link #vectoredPositions()}; {@code net} is the
     * ciphertext side, a buffer or an array of them (the one at {@code netOffset}), whose bytes end at
     * that buffer's position.
     */
    private static void report(Object engine, boolean wrap, Object result, Throwable failure, Object[] plain,
                                  int plainOffset, Object net, int netOffset) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_TLS_ENGINE);
        if (s != null) {
            try {
                s.tlsEngine(engine, wrap, result, failure, plain, plainOffset, net, netOffset);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_TLS_ENGINE, t);
            }
        }
    }

    /**
     * Entering an {@code SSLEngine} wrap or unwrap: true for the outermost one on this thread, whose
     * plaintext buffers' positions are remembered, and its ciphertext buffer's ({@code net}, or the one
     * at {@code netOffset} of an array of them). A wrapper engine (Netty's JdkSslEngine, Conscrypt's
     * Java8EngineWrapper) or an overload delegates to another reporting method: only the outermost reports.
     */
    public static boolean tlsEngineEnter(Object[] plain, int offset, int length, Object net, int netOffset) {
        if (Bridge.sink == null) {
            return false;
        }
        int[] depth = ENGINE_DEPTH.get();
        if (depth == null) {
            depth = engineDepthScratch();
        }
        if (depth[0]++ != 0) {
            return false;
        }
        Bridge.vectoredStart(plain, offset, length);
        Object buffer = net instanceof Object[] && netOffset >= 0 && netOffset < ((Object[]) net).length
            ? ((Object[]) net)[netOffset] : net;
        depth[1] = buffer instanceof java.nio.Buffer ? ((java.nio.Buffer) buffer).position() : -1;
        return true;
    }

    /** The ciphertext buffer's position before the outermost wrap or unwrap in progress on this thread, or -1. */
    public static int tlsNetPositionBefore() {
        int[] depth = ENGINE_DEPTH.get();
        return depth == null ? -1 : depth[1];
    }

    /** Once per thread, so the engine path stays allocation-free. */
    private static int[] engineDepthScratch() {
        int[] depth = new int[2];
        ENGINE_DEPTH.set(depth);
        return depth;
    }

    /** Leaving the wrap or unwrap that {@link #tlsEngineEnter} entered; it reports when that one was the outermost. */
    public static void tlsEngineExit(boolean outermost, Object engine, boolean wrap, Object result, Throwable failure,
                                     Object[] plain, int plainOffset, Object net, int netOffset) {
        int[] depth = ENGINE_DEPTH.get();
        if (depth != null && depth[0] > 0) {
            depth[0]--;
        }
        if (outermost) {
            report(engine, wrap, result, failure, plain, plainOffset, net, netOffset);
        }
    }
}
