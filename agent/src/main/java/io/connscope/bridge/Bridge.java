package io.connscope.bridge;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Static entry points called from advice inlined into JDK classes. Each returns at once when the
 * agent is not installed, when the calling thread belongs to the agent, or when its hook has been
 * disabled after repeated internal failures. No entry point lets a Throwable escape.
 *
 * <p>Kept free of lambdas and string concatenation: it is loaded by the bootstrap class loader,
 * possibly while java.base is still initialising the classes that those features need.
 */
public final class Bridge {

    public static final int HOOK_CONNECT = 0;
    public static final int HOOK_ACCEPT = 1;
    public static final int HOOK_READ = 2;
    public static final int HOOK_WRITE = 3;
    public static final int HOOK_OPTION = 4;
    public static final int HOOK_SHUTDOWN = 5;
    public static final int HOOK_CLOSE = 6;
    public static final int HOOK_TLS = 7;
    public static final int HOOK_PLAINTEXT = 8;
    public static final int HOOK_HTTP_URL_CONNECTION = 9;
    public static final int HOOK_TLS_ENGINE = 10;
    public static final int HOOK_COUNT = 11;

    private static final String[] HOOK_NAMES = {
        "connect", "accept", "read", "write", "option", "shutdown", "close", "tls-handshake", "tls-plaintext",
        "http-url-connection", "tls-engine"
    };

    /**
     * The offset that says a {@code ByteBuffer}'s bytes are the last ones before its position (a
     * channel read or write moved it); any other offset is the absolute index where they start.
     */
    public static final int BEFORE_POSITION = -1;

    private static volatile ConnectionSink sink;
    private static volatile ThreadGroup agentThreads;
    private static volatile int maxFailures = 10;
    private static final AtomicIntegerArray FAILURES = new AtomicIntegerArray(HOOK_COUNT);
    private static final boolean[] DISABLED = new boolean[HOOK_COUNT];
    /**
     * Per thread: set while connscope code runs inside a lifecycle hook or reports a failure, so that
     * anything it does in turn (a socket call, a log line that ends up on a socket) is not tracked
     * and cannot recurse. Read and write need no guard: they only update counters.
     */
    private static final ThreadLocal<boolean[]> INSIDE = new ThreadLocal<boolean[]>();
    private static final int IN_HOOK = 0;
    private static final int REPORTING = 1;
    /**
     * Per thread: the buffer positions before the vectored read or write in progress ([0] is the
     * number of buffers), so that its exit can tell which bytes moved.
     */
    private static final ThreadLocal<int[]> VECTORED = new ThreadLocal<int[]>();
    /**
     * Per thread: [0] how deep this thread is in SSLEngine wrap and unwrap calls that report (wrappers
     * delegate); [1] the position of the outermost call's ciphertext buffer before it, or -1.
     */
    private static final ThreadLocal<int[]> ENGINE_DEPTH = new ThreadLocal<int[]>();
    /** Per thread: the descriptor and listening socket of the last native accept, for the socket made from it. */
    private static final ThreadLocal<Object[]> NATIVE_ACCEPT = new ThreadLocal<Object[]>();
    /** Per thread: handshake nesting depth, and the wall-clock start of the outermost one. */
    private static final ThreadLocal<long[]> HANDSHAKE = new ThreadLocal<long[]>();

    private Bridge() {
    }

    public static synchronized void install(ConnectionSink target, ThreadGroup ownThreads, int failuresBeforeDisable) {
        agentThreads = ownThreads;
        maxFailures = failuresBeforeDisable;
        sink = target;
    }

    /**
     * Stops the hooks, if {@code installed} is still their sink: a detach whose exit work outlived its
     * timeout must not stop a later attach's.
     */
    public static synchronized void uninstall(ConnectionSink installed) {
        if (sink == installed) {
            sink = null;
        }
    }

    public static String hookName(int hook) {
        return HOOK_NAMES[hook];
    }

    public static boolean isHookDisabled(int hook) {
        return DISABLED[hook];
    }

    /**
     * True when the current thread was started by the agent (directly or by a thread it started).
     * parentOf, not a getParent() walk: under a security manager, getParent() on the way to the
     * system group asks for a permission the application's code may not have.
     */
    public static boolean isAgentThread() {
        ThreadGroup own = agentThreads;
        ThreadGroup current = Thread.currentThread().getThreadGroup();
        return own != null && current != null && own.parentOf(current);
    }

    /** Marks this thread as inside connscope; false when it already was (a re-entrant call). */
    private static boolean enter() {
        return enter(IN_HOOK);
    }

    private static void exit() {
        exit(IN_HOOK);
    }

    private static boolean enter(int slot) {
        boolean[] inside = INSIDE.get();
        if (inside == null) {
            inside = new boolean[2];
            INSIDE.set(inside);
        }
        if (inside[slot]) {
            return false;
        }
        inside[slot] = true;
        return true;
    }

    private static void exit(int slot) {
        INSIDE.get()[slot] = false;
    }

    private static ConnectionSink active(int hook) {
        ConnectionSink s = sink;
        if (s == null || DISABLED[hook]) {
            return null;
        }
        return s;
    }

    // ---- hot path: one volatile read, one array read, then the sink ----

    public static void read(Object key, long bytes, Throwable failure, Object data, int offset) {
        ConnectionSink s = active(HOOK_READ);
        if (s != null) {
            try {
                s.read(key, bytes, failure, data, offset);
            } catch (Throwable t) {
                failed(HOOK_READ, t);
            }
        }
    }

    public static void write(Object key, long bytes, Throwable failure, Object data, int offset) {
        ConnectionSink s = active(HOOK_WRITE);
        if (s != null) {
            try {
                s.write(key, bytes, failure, data, offset);
            } catch (Throwable t) {
                failed(HOOK_WRITE, t);
            }
        }
    }

    /** A native-transport gathering write: the bytes from each buffer's position on, which did not move. */
    public static void writeGathered(Object key, long bytes, Throwable failure, Object[] buffers, int offset) {
        ConnectionSink s = active(HOOK_WRITE);
        if (s != null) {
            try {
                s.writeGathered(key, bytes, failure, buffers, offset);
            } catch (Throwable t) {
                failed(HOOK_WRITE, t);
            }
        }
    }

    /** A native-transport read into native memory: {@code bytes} bytes at {@code address}. */
    public static void readAddress(Object key, long bytes, Throwable failure, long address) {
        ConnectionSink s = active(HOOK_READ);
        if (s != null) {
            try {
                s.readNative(key, bytes, failure, address);
            } catch (Throwable t) {
                failed(HOOK_READ, t);
            }
        }
    }

    /**
     * A native-transport write from native memory: the bytes at {@code address}, or, when
     * {@code iovecs} is not negative, from the array of that many {@code struct iovec} at it.
     */
    public static void writeAddress(Object key, long bytes, Throwable failure, long address, int iovecs) {
        ConnectionSink s = active(HOOK_WRITE);
        if (s != null) {
            try {
                s.writeNative(key, bytes, failure, address, iovecs);
            } catch (Throwable t) {
                failed(HOOK_WRITE, t);
            }
        }
    }

    public static void plaintext(Object sslSocket, boolean inbound, byte[] b, int offset, int length) {
        ConnectionSink s = active(HOOK_PLAINTEXT);
        if (s != null && length > 0) {
            try {
                s.plaintext(sslSocket, inbound, b, offset, length);
            } catch (Throwable t) {
                failed(HOOK_PLAINTEXT, t);
            }
        }
    }

    /**
     * An {@code SSLEngine} wrap ({@code wrap} true) or unwrap returned {@code result}. The plaintext
     * buffers' positions before the call are in {@link #vectoredPositions()}; {@code net} is the
     * ciphertext side, a buffer or an array of them (the one at {@code netOffset}), whose bytes end at
     * that buffer's position.
     */
    private static void tlsEngine(Object engine, boolean wrap, Object result, Throwable failure, Object[] plain,
                                  int plainOffset, Object net, int netOffset) {
        ConnectionSink s = active(HOOK_TLS_ENGINE);
        if (s != null) {
            try {
                s.tlsEngine(engine, wrap, result, failure, plain, plainOffset, net, netOffset);
            } catch (Throwable t) {
                failed(HOOK_TLS_ENGINE, t);
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
        if (sink == null) {
            return false;
        }
        int[] depth = ENGINE_DEPTH.get();
        if (depth == null) {
            depth = engineDepthScratch();
        }
        if (depth[0]++ != 0) {
            return false;
        }
        vectoredStart(plain, offset, length);
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
            tlsEngine(engine, wrap, result, failure, plain, plainOffset, net, netOffset);
        }
    }

    /** Before a vectored read or write: remembers where each buffer's position was. */
    public static void vectoredStart(Object[] buffers, int offset, int length) {
        if (sink == null || buffers == null || length < 0 || offset < 0 || offset + length > buffers.length) {
            return;
        }
        int[] positions = VECTORED.get();
        if (positions == null || positions.length <= length) {
            positions = vectoredScratch(length);
        }
        positions[0] = length;
        for (int i = 0; i < length; i++) {
            Object b = buffers[offset + i];
            positions[i + 1] = b == null ? 0 : ((java.nio.Buffer) b).position();
        }
    }

    /** Grows this thread's scratch array; rare, so the vectored path stays allocation-free. */
    private static int[] vectoredScratch(int length) {
        int[] positions = new int[Math.max(16, length + 1)];
        VECTORED.set(positions);
        return positions;
    }

    /** The positions remembered by {@link #vectoredStart} on this thread, or null. */
    public static int[] vectoredPositions() {
        return VECTORED.get();
    }

    // ---- connection lifecycle ----

    public static void socketConnected(Object socket, Object endpoint, long startNanos, Throwable failure) {
        long end = System.nanoTime();
        ConnectionSink s = active(HOOK_CONNECT);
        if (s != null && !isAgentThread() && enter()) {
            try {
                s.socketConnected(socket, endpoint, startNanos, end, failure);
            } catch (Throwable t) {
                failed(HOOK_CONNECT, t);
            } finally {
                exit();
            }
        }
    }

    public static void socketAccepted(Object serverSocket, Object socket) {
        ConnectionSink s = active(HOOK_ACCEPT);
        if (s != null && socket != null && !isAgentThread() && enter()) {
            try {
                s.socketAccepted(serverSocket, socket);
            } catch (Throwable t) {
                failed(HOOK_ACCEPT, t);
            } finally {
                exit();
            }
        }
    }

    public static void channelConnectStarted(Object channel, Object endpoint, long startNanos, boolean connected,
                                             Throwable failure) {
        ConnectionSink s = active(HOOK_CONNECT);
        if (s != null && !isAgentThread() && enter()) {
            try {
                s.channelConnectStarted(channel, endpoint, startNanos, connected, failure);
            } catch (Throwable t) {
                failed(HOOK_CONNECT, t);
            } finally {
                exit();
            }
        }
    }

    public static void channelConnectFinishing(Object channel) {
        ConnectionSink s = active(HOOK_CONNECT);
        if (s != null && enter()) {
            try {
                s.channelConnectFinishing(channel);
            } catch (Throwable t) {
                failed(HOOK_CONNECT, t);
            } finally {
                exit();
            }
        }
    }

    public static void channelConnectFinished(Object channel, boolean connected, Throwable failure) {
        ConnectionSink s = active(HOOK_CONNECT);
        if (s != null && enter()) {
            try {
                s.channelConnectFinished(channel, connected, failure);
            } catch (Throwable t) {
                failed(HOOK_CONNECT, t);
            } finally {
                exit();
            }
        }
    }

    public static void channelAccepted(Object serverChannel, Object channel) {
        ConnectionSink s = active(HOOK_ACCEPT);
        if (s != null && channel != null && !isAgentThread() && enter()) {
            try {
                s.channelAccepted(serverChannel, channel);
            } catch (Throwable t) {
                failed(HOOK_ACCEPT, t);
            } finally {
                exit();
            }
        }
    }

    /** A native transport's listening socket accepted descriptor {@code fd} (negative: nothing to accept). */
    public static void nativeAccepted(Object serverSocket, int fd) {
        if (sink == null) {
            return;
        }
        if (fd < 0) {
            Object[] last = NATIVE_ACCEPT.get();
            if (last != null) {
                last[0] = null; // nothing accepted: no socket is to be taken for an accepted one
                last[1] = null;
            }
            return;
        }
        Object[] last = NATIVE_ACCEPT.get();
        if (last == null) {
            last = new Object[2];
            NATIVE_ACCEPT.set(last);
        }
        last[0] = serverSocket;
        last[1] = Integer.valueOf(fd);
    }

    /**
     * A native transport made a socket object for descriptor {@code fd}: when this thread has just
     * accepted that descriptor, it is the accepted connection. The accept is forgotten either way:
     * only the socket made right after it can be the accepted one.
     */
    public static void nativeSocketCreated(Object socket, int fd) {
        Object[] last = NATIVE_ACCEPT.get();
        if (last == null || last[0] == null) {
            return;
        }
        Object server = last[0];
        Object accepted = last[1];
        last[0] = null;
        last[1] = null;
        if (accepted instanceof Integer && ((Integer) accepted).intValue() == fd) {
            channelAccepted(server, socket);
        }
    }

    public static void noDelay(Object key, boolean on) {
        ConnectionSink s = active(HOOK_OPTION);
        if (s != null && enter()) {
            try {
                s.noDelay(key, on);
            } catch (Throwable t) {
                failed(HOOK_OPTION, t);
            } finally {
                exit();
            }
        }
    }

    /** {@code setOption(name, value)}: only TCP_NODELAY is of interest. */
    public static void option(Object key, Object name, Object value) {
        if (value instanceof Boolean && name == java.net.StandardSocketOptions.TCP_NODELAY) {
            noDelay(key, ((Boolean) value).booleanValue());
        }
    }

    public static void shutdownInput(Object key) {
        ConnectionSink s = active(HOOK_SHUTDOWN);
        if (s != null && enter()) {
            try {
                s.shutdownInput(key);
            } catch (Throwable t) {
                failed(HOOK_SHUTDOWN, t);
            } finally {
                exit();
            }
        }
    }

    public static void shutdownOutput(Object key) {
        ConnectionSink s = active(HOOK_SHUTDOWN);
        if (s != null && enter()) {
            try {
                s.shutdownOutput(key);
            } catch (Throwable t) {
                failed(HOOK_SHUTDOWN, t);
            } finally {
                exit();
            }
        }
    }

    public static void closing(Object key) {
        ConnectionSink s = active(HOOK_CLOSE);
        if (s != null && enter()) {
            try {
                s.closing(key);
            } catch (Throwable t) {
                failed(HOOK_CLOSE, t);
            } finally {
                exit();
            }
        }
    }

    // ---- HttpURLConnection ----

    public static void urlConnectionWriting(Object urlConnection, boolean resending) {
        ConnectionSink s = active(HOOK_HTTP_URL_CONNECTION);
        if (s != null && !isAgentThread() && enter()) {
            try {
                s.urlConnectionWriting(urlConnection, resending);
            } catch (Throwable t) {
                failed(HOOK_HTTP_URL_CONNECTION, t);
            } finally {
                exit();
            }
        }
    }

    public static void urlConnectionRequest(Object socket, boolean resending) {
        ConnectionSink s = active(HOOK_HTTP_URL_CONNECTION);
        if (s != null && !isAgentThread() && enter()) {
            try {
                s.urlConnectionRequest(socket, resending);
            } catch (Throwable t) {
                failed(HOOK_HTTP_URL_CONNECTION, t);
            } finally {
                exit();
            }
        }
    }

    public static void keepAliveCacheHit(Object httpClient) {
        ConnectionSink s = active(HOOK_HTTP_URL_CONNECTION);
        if (s != null && httpClient != null && !isAgentThread() && enter()) {
            try {
                s.keepAliveCacheHit(httpClient);
            } catch (Throwable t) {
                failed(HOOK_HTTP_URL_CONNECTION, t);
            } finally {
                exit();
            }
        }
    }

    // ---- TLS: time the outermost handshake per thread ----

    /** Returns the start time for the outermost handshake on this thread, or 0 for a nested one. */
    public static long tlsHandshakeStarted() {
        if (sink == null) {
            return 0L;
        }
        long[] state = HANDSHAKE.get();
        if (state == null) {
            state = new long[2];
            HANDSHAKE.set(state);
        }
        if (state[0]++ != 0) {
            return 0L;
        }
        // Same clock as SSLSession.getCreationTime(): a session created before this moment was resumed.
        state[1] = System.currentTimeMillis();
        return System.nanoTime();
    }

    public static void tlsHandshakeEnded(Object sslSocket, long startNanos, Throwable failure) {
        long[] state = HANDSHAKE.get();
        if (state != null && state[0] > 0) {
            state[0]--;
        }
        if (startNanos == 0L || state == null) {
            return;
        }
        long end = System.nanoTime();
        ConnectionSink s = active(HOOK_TLS);
        if (s != null && !isAgentThread() && enter()) {
            try {
                s.tlsHandshake(sslSocket, startNanos, end, state[1], failure);
            } catch (Throwable t) {
                failed(HOOK_TLS, t);
            } finally {
                exit();
            }
        }
    }

    // ---- failure accounting ----

    private static void failed(int hook, Throwable error) {
        int n = FAILURES.incrementAndGet(hook);
        boolean disable = n >= maxFailures;
        if (disable) {
            DISABLED[hook] = true;
        }
        if ((n == 1 || n == maxFailures) && enter(REPORTING)) {
            try {
                ConnectionSink s = sink;
                if (s != null) {
                    s.hookFailed(hook, error, disable);
                }
            } catch (Throwable ignored) {
                // Reporting must not fail the host either.
            } finally {
                exit(REPORTING);
            }
        }
    }

    public static int failures(int hook) {
        return FAILURES.get(hook);
    }
}
