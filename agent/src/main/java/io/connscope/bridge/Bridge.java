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
    public static final int HOOK_IO_URING = 11;
    public static final int HOOK_NAME_LOOKUP = 12;
    public static final int HOOK_POOL_LEASE = 13;
    public static final int HOOK_COUNT = 14;

    private static final String[] HOOK_NAMES = {
        "connect", "accept", "read", "write", "option", "shutdown", "close", "tls-handshake", "tls-plaintext",
        "http-url-connection", "tls-engine", "io-uring", "name-lookup", "pool-lease"
    };

    /**
     * The offset that says a {@code ByteBuffer}'s bytes are the last ones before its position (a
     * channel read or write moved it); any other offset is the absolute index where they start.
     */
    public static final int BEFORE_POSITION = -1;

    static volatile ConnectionSink sink;
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
    /** Per thread: handshake nesting depth, and the wall-clock start of the outermost one. */
    private static final ThreadLocal<long[]> HANDSHAKE = new ThreadLocal<long[]>();

    private Bridge() {
    }

    public static synchronized void install(ConnectionSink target, ThreadGroup ownThreads, int failuresBeforeDisable) {
        agentThreads = ownThreads;
        maxFailures = failuresBeforeDisable;
        sink = target;
    }

    /** Stops the hooks, if {@code installed} is still their sink: a late detach must not stop a later attach's. */
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
    static boolean enter() {
        return enter(IN_HOOK);
    }

    static void exit() {
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

    static ConnectionSink active(int hook) {
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

    static void failed(int hook, Throwable error) {
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
