package io.connscope.agent.instrument;

import io.connscope.agent.runtime.AgentLog;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reads the bytes a native transport read or wrote at a native address, through the JDK's internal
 * {@code jdk.internal.misc.Unsafe} (exported to connscope alone by {@link JdkInternals#open}). Not
 * {@code sun.misc.Unsafe}, whose memory access prints a warning from JDK 24 on, nor FFM, whose
 * restricted methods print one without {@code --enable-native-access}: neither may reach the host's
 * output. The address is valid while the hook runs: the transport has just read or written it.
 */
public final class NativeMemory {

    /** The most copied at once, into a per-thread array: bigger ranges go to the analysis in pieces. */
    public static final int CHUNK = 16 * 1024;

    private static final MethodHandle COPY;
    private static final MethodHandle GET_LONG;
    private static final long BYTE_ARRAY_BASE;
    /** A {@code struct iovec} is two pointers: read as two longs only where pointers are 8 bytes. */
    private static final boolean IOVECS_READABLE;
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    static {
        MethodHandle copy = null;
        MethodHandle getLong = null;
        long base = 0;
        boolean iovecs = false;
        try {
            Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            copy = lookup.findVirtual(unsafeClass, "copyMemory",
                MethodType.methodType(void.class, Object.class, long.class, Object.class, long.class, long.class)).bindTo(unsafe);
            getLong = lookup.findVirtual(unsafeClass, "getLong", MethodType.methodType(long.class, Object.class, long.class))
                .bindTo(unsafe);
            base = ((Number) unsafeClass.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, byte[].class)).longValue();
            iovecs = ((Number) unsafeClass.getMethod("addressSize").invoke(unsafe)).intValue() == 8;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            copy = null;
            getLong = null;
            AgentLog.once("native-memory", "cannot read native memory (" + e + "); connections over Netty's native"
                + " transport are counted, but their HTTP is not analysed", e);
        }
        COPY = copy;
        GET_LONG = getLong;
        BYTE_ARRAY_BASE = base;
        IOVECS_READABLE = iovecs;
    }

    /** Whether {@link #iovecBase} and {@link #iovecLength} can be used: a 64-bit JVM. */
    public static boolean iovecsReadable() {
        return IOVECS_READABLE;
    }

    private NativeMemory() {
    }

    public static boolean available() {
        return COPY != null;
    }

    /** This thread's array to copy into, of {@link #CHUNK} bytes. */
    public static byte[] scratch() {
        byte[] b = SCRATCH.get();
        return b != null ? b : newScratch();
    }

    /** Once per thread. */
    private static byte[] newScratch() {
        byte[] b = new byte[CHUNK];
        SCRATCH.set(b);
        return b;
    }

    /** Copies {@code n} (at most the array's length) bytes at {@code address} to {@code to[0..n)}. */
    public static void copy(long address, byte[] to, int n) {
        try {
            COPY.invokeExact((Object) null, address, (Object) to, BYTE_ARRAY_BASE, (long) Math.min(n, to.length));
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    /** The start of entry {@code i} of an array of {@code struct iovec} (64-bit: base, then length). */
    public static long iovecBase(long iovecs, int i) {
        return getLong(iovecs + 16L * i);
    }

    /** The length of entry {@code i} of an array of {@code struct iovec}. */
    public static long iovecLength(long iovecs, int i) {
        return getLong(iovecs + 16L * i + 8);
    }

    /** The 8-byte word at {@code address}: a pointer or a {@code size_t} where {@link #iovecsReadable()}. */
    public static long word(long address) {
        return getLong(address);
    }

    /** Thrown to the caller, which stops the analysis of that connection; counting goes on. */
    private static IllegalStateException failed(Throwable t) {
        return new IllegalStateException("native memory access failed", t);
    }

    private static long getLong(long address) {
        try {
            return (long) GET_LONG.invokeExact((Object) null, address);
        } catch (Throwable t) {
            throw failed(t);
        }
    }
}
