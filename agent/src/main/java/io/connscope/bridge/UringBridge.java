package io.connscope.bridge;

/**
 * Static entry points for the advice in Netty's io_uring transport, on the bootstrap path with
 * {@link Bridge}, whose sink, hook switches and failure accounting they share: the socket objects it
 * makes, and each submission and completion on its rings, which the sink pairs by their user data as
 * a tracer pairs system calls. Kept free of lambdas and string concatenation, as {@link Bridge} is.
 */
public final class UringBridge {

    private UringBridge() {
    }

    /** The user data of the incubator transport's operations, made of what its completions pass apart. */
    public static long key(int fd, byte opcode, short data) {
        return ((long) (data & 0xffff) << 40) | ((long) (opcode & 0xff) << 32) | (fd & 0xffffffffL);
    }

    /** A socket object for descriptor {@code fd}. */
    public static void socketMade(Object socket, int fd) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_IO_URING);
        if (s != null) {
            try {
                s.uringSocket(socket, fd);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_IO_URING, t);
            }
        }
    }

    /** A submission queue entry, queued. */
    public static void submitted(byte opcode, byte flags, int fd, long off, long address, int length, long userData) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_IO_URING);
        if (s != null) {
            try {
                s.uringSubmitted(opcode, flags, fd, off, address, length, userData);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_IO_URING, t);
            }
        }
    }

    /** A completion queue entry, before the transport handles it. */
    public static void completed(int result, int flags, long userData) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_IO_URING);
        if (s != null) {
            try {
                s.uringCompleted(result, flags, userData);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_IO_URING, t);
            }
        }
    }
}
