package io.connscope.bridge;

/**
 * Static entry points for the advice in Netty's native transport (its {@code FileDescriptor} and
 * {@code Socket} classes, under any relocation), on the bootstrap path with {@link Bridge}, whose
 * sink, hook switches and failure accounting they share. Kept free of lambdas and string
 * concatenation, as {@link Bridge} is.
 */
public final class NativeBridge {

    /** Per thread: the descriptor and listening socket of the last native accept, for the socket made from it. */
    private static final ThreadLocal<Object[]> NATIVE_ACCEPT = new ThreadLocal<Object[]>();

    private NativeBridge() {
    }

    /** A native-transport gathering write: the bytes from each buffer's position on, which did not move. */
    public static void writeGathered(Object key, long bytes, Throwable failure, Object[] buffers, int offset) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_WRITE);
        if (s != null) {
            try {
                s.writeGathered(key, bytes, failure, buffers, offset);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_WRITE, t);
            }
        }
    }

    /** A native-transport read into native memory: {@code bytes} bytes at {@code address}. */
    public static void readAddress(Object key, long bytes, Throwable failure, long address) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_READ);
        if (s != null) {
            try {
                s.readNative(key, bytes, failure, address);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_READ, t);
            }
        }
    }

    /**
     * A native-transport write from native memory: the bytes at {@code address}, or, when
     * {@code iovecs} is not negative, from the array of that many {@code struct iovec} at it.
     */
    public static void writeAddress(Object key, long bytes, Throwable failure, long address, int iovecs) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_WRITE);
        if (s != null) {
            try {
                s.writeNative(key, bytes, failure, address, iovecs);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_WRITE, t);
            }
        }
    }

    /** A native transport's listening socket accepted descriptor {@code fd} (negative: nothing to accept). */
    public static void nativeAccepted(Object serverSocket, int fd) {
        if (Bridge.sink == null) {
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
            Bridge.channelAccepted(server, socket);
        }
    }
}
