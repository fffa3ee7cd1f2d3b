package io.connscope.agent.connection;

import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.instrument.IoUringHooks;
import io.connscope.agent.instrument.NativeMemory;
import io.connscope.bridge.ConnectionSink;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Netty's io_uring transport, read as the events of the sockets it drives. A submission names a
 * descriptor and a buffer; its completion, matched by user data on the same event-loop thread, says
 * how many bytes moved, or which error. Each pair becomes the call the epoll transport would have made:
 * a read or write of those bytes at that address, a connect finished, an accept, a close. Shutdowns,
 * TCP_NODELAY and synchronous closes go through {@code unix.Socket}'s own hooks, as epoll's do.
 *
 * <p>Reads into a buffer ring (Netty's opt-in {@code IoUringBufferRingConfig}, where the kernel picks
 * the buffer) are counted, but not analysed. A TCP Fast Open connect (a {@code sendmsg} that carries
 * its own destination) is not followed.
 */
final class IoUringEvents {

    static final byte OP_WRITEV = 2;
    static final byte OP_SENDMSG = 9;
    static final byte OP_ACCEPT = 13;
    static final byte OP_CONNECT = 16;
    static final byte OP_CLOSE = 19;
    static final byte OP_READ = 22;
    static final byte OP_WRITE = 23;
    static final byte OP_SEND = 26;
    static final byte OP_RECV = 27;
    static final byte OP_SEND_ZC = 47;
    static final byte OP_SENDMSG_ZC = 48;
    /** IOSQE_BUFFER_SELECT: the kernel takes the buffer from a ring; the submission names none. */
    static final int SQE_BUFFER_SELECT = 1 << 5;
    /** IORING_CQE_F_MORE: more completions follow for this submission (multishot, zero-copy send). */
    static final int CQE_MORE = 2;
    /** IORING_CQE_F_NOTIF: a zero-copy send's notification that its buffer is free; it moved nothing. */
    static final int CQE_NOTIF = 8;
    private static final int ECANCELED = 125;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int ENOBUFS = 105;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final ConnectionSink sink;
    private final UringSockets sockets = new UringSockets();
    private final UringWrites writes;
    private final ThreadLocal<UringPending> pending = new ThreadLocal<>();

    IoUringEvents(ConnectionSink sink, UringWrites writes) {
        this.sink = sink;
        this.writes = writes;
    }

    // ---- hot path ----

    void socketMade(Object socket, int fd) {
        sockets.made(socket, fd);
    }

    void submitted(byte opcode, byte flags, int fd, long off, long address, int length, long userData) {
        if (!IoUringHooks.completionsWoven()) {
            IoUringHooks.submittedUnpaired(); // without the completion hook, submissions would pile up unpaired
            return;
        }
        if (opcode == OP_CLOSE) {
            closing(fd);
            return;
        }
        if (!followed(opcode)) {
            return;
        }
        Object socket = sockets.socket(fd);
        if (socket == null) {
            return; // not one of the transport's sockets (an eventfd, a file), or made before an attach
        }
        Object listening = opcode == OP_CONNECT ? null : sockets.acceptedBy(fd);
        if (listening != null) {
            firstUseAfterAccept(fd, listening, socket);
        }
        UringPending p = pending.get();
        if (p == null) {
            p = newPending();
        }
        long buffer = (flags & SQE_BUFFER_SELECT) != 0 ? 0L : address;
        if (opcode == OP_SENDMSG || opcode == OP_SENDMSG_ZC) {
            if (buffer == 0L || !NativeMemory.available() || !NativeMemory.iovecsReadable()
                || NativeMemory.word(buffer) != 0L) {
                return; // unreadable, or a TCP Fast Open connect (its msghdr names a destination): not followed
            }
            // struct msghdr on 64-bit Linux: msg_name, msg_namelen, msg_iov at 16, msg_iovlen at 24
            gathering(p, userData, opcode, socket, NativeMemory.word(buffer + 16), (int) NativeMemory.word(buffer + 24));
            return;
        }
        if (opcode == OP_WRITEV) {
            gathering(p, userData, opcode, socket, buffer, length);
            return;
        }
        if (!p.put(userData, opcode, socket, buffer, length)) {
            tableFull(p);
            return;
        }
        if (opcode == OP_CONNECT) {
            connectStarted(socket, address, (int) off);
        }
    }

    /**
     * A gathering write: its iovec array is read now, while it is this submission's (Netty 4.2 refills
     * it for the next ones before this one completes); the buffers it points to stay valid until then.
     */
    private void gathering(UringPending p, long userData, byte opcode, Object socket, long iovecs, int count) {
        if (!p.put(userData, opcode, socket, iovecs, count)) {
            tableFull(p);
            return;
        }
        int slot = p.find(userData);
        int kept = 0;
        if (iovecs != 0L && NativeMemory.available() && NativeMemory.iovecsReadable()) {
            for (; kept < count && kept < UringPending.RANGES; kept++) {
                p.range(slot, kept, NativeMemory.iovecBase(iovecs, kept),
                    (int) Math.min(Integer.MAX_VALUE, NativeMemory.iovecLength(iovecs, kept)));
            }
        }
        p.ranges(slot, kept, kept == count);
    }

    void completed(int result, int flags, long userData) {
        UringPending p = pending.get();
        int slot = p == null ? -1 : p.find(userData);
        if (slot < 0) {
            return; // not a submission followed here (a poll, a timeout, the transport's eventfd)
        }
        byte opcode = p.opcode(slot);
        Object socket = p.socket(slot);
        long address = p.address(slot);
        boolean more = (flags & CQE_MORE) != 0;
        if ((flags & CQE_NOTIF) != 0 || result == -EAGAIN || result == -EINTR || result == -ENOBUFS) {
            // no bytes moved: a zero-copy send's notification, a retry, a buffer ring Netty grows and retries
        } else if (result == -ECANCELED) {
            more = false; // withdrawn (the channel closes, or stops reading): nothing happened on the wire
        } else if (opcode == OP_WRITEV || opcode == OP_SENDMSG || opcode == OP_SENDMSG_ZC) {
            gathered(p, slot, socket, result);
        } else {
            finished(opcode, socket, result, address);
        }
        if (!more) {
            p.remove(slot);
        }
    }

    private void finished(byte opcode, Object socket, int result, long address) {
        switch (opcode) {
            case OP_RECV:
            case OP_READ:
                if (result < 0) {
                    sink.readNative(socket, 0, failure("recv", -result), 0L);
                } else if (result > 0 && address == 0L) {
                    sink.read(socket, result, null, null, 0); // into a buffer ring: counted, not analysed
                } else {
                    sink.readNative(socket, result == 0 ? -1 : result, null, address);
                }
                break;
            case OP_SEND:
            case OP_SEND_ZC:
            case OP_WRITE:
                if (result < 0) {
                    sink.writeNative(socket, 0, failure("send", -result), 0L, -1);
                } else {
                    sink.writeNative(socket, result, null, address, -1);
                }
                break;
            case OP_ACCEPT:
                accepted(result, socket);
                break;
            case OP_CONNECT:
                connectFinished(socket, result);
                break;
            default:
                break;
        }
    }

    /** A gathering write's bytes, from the ranges kept at its submission. */
    private void gathered(UringPending p, int slot, Object socket, int result) {
        if (result < 0) {
            sink.writeNative(socket, 0, failure("send", -result), 0L, -1);
            return;
        }
        int ranges = p.ranges(slot);
        for (int n = 0; n < ranges; n++) {
            p.scratchBases[n] = p.rangeBase(slot, n);
            p.scratchLengths[n] = p.rangeLength(slot, n);
        }
        writes.writeRanges(socket, result, p.scratchBases, p.scratchLengths, ranges);
    }

    private static boolean followed(byte opcode) {
        switch (opcode) {
            case OP_RECV:
            case OP_READ:
            case OP_SEND:
            case OP_SEND_ZC:
            case OP_WRITE:
            case OP_WRITEV:
            case OP_SENDMSG:
            case OP_SENDMSG_ZC:
            case OP_ACCEPT:
            case OP_CONNECT:
                return true;
            default:
                return false;
        }
    }

    // ---- once per connection, or on failure ----

    /** Once per thread. */
    private UringPending newPending() {
        UringPending p = new UringPending();
        pending.set(p);
        return p;
    }

    /** An asynchronous close: Netty marked the socket closed and submits the close itself. */
    private void closing(int fd) {
        Object socket = sockets.closed(fd);
        if (socket != null) {
            sink.closing(socket);
        }
    }

    /**
     * A socket closed by a direct call, not through the ring (a channel that was never registered): its
     * descriptor is forgotten, so that a socket made for the same number later is not taken for it.
     */
    void closedDirectly(Object socket) {
        if (IoUringHooks.completionsWoven() && SocketKeys.isNative(socket)) {
            sockets.closed(SocketKeys.fd(socket), socket);
        }
    }

    /** A listening socket accepted descriptor {@code fd} (negative: an error), followed from its first use. */
    private void accepted(int fd, Object listening) {
        if (fd >= 0) {
            sockets.accepted(fd, listening);
        }
    }

    /** The first submission on an accepted descriptor: its socket object is the channel's own by now. */
    private void firstUseAfterAccept(int fd, Object listening, Object socket) {
        sockets.acceptReported(fd);
        sink.channelAccepted(listening, socket);
    }

    private void connectStarted(Object socket, long sockaddr, int length) {
        sink.channelConnectStarted(socket, address(sockaddr, length), System.nanoTime(), false, null);
    }

    private void connectFinished(Object socket, int result) {
        sink.channelConnectFinished(socket, result == 0, result == 0 ? null : connectFailure(-result));
    }

    /** Counted on the thread's own table; said once. */
    private static void tableFull(UringPending p) {
        if (p.dropped() == 1) {
            AgentLog.once("io_uring-pending", "more than " + UringPending.MAX + " io_uring operations are in flight on one"
                + " event loop: those beyond are not followed, and their connections' counts fall short", null);
        }
    }

    /** A {@code struct sockaddr_in} or {@code sockaddr_in6} in native memory, or null. */
    static InetSocketAddress address(long sockaddr, int length) {
        if (!NativeMemory.available() || sockaddr == 0L || length < 16) {
            return null;
        }
        byte[] b = new byte[Math.min(length, 28)];
        NativeMemory.copy(sockaddr, b, b.length);
        return decode(b);
    }

    /** Family in the host's byte order, port in the network's, then the IPv4 address, or IPv6's after flowinfo. */
    static InetSocketAddress decode(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        int family = in.getShort(0) & 0xffff;
        int port = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        byte[] ip;
        if (family == AF_INET) {
            ip = new byte[4];
            System.arraycopy(b, 4, ip, 0, 4);
        } else if (family == AF_INET6 && b.length >= 24) {
            ip = new byte[16];
            System.arraycopy(b, 8, ip, 0, 16);
        } else {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A failed read or write, as the JDK and epoll say it: a reset reads "Connection reset by peer". */
    private static IOException failure(String call, int errno) {
        return new IOException("io_uring " + call + " failed: " + Errno.describe(errno));
    }

    private static ConnectException connectFailure(int errno) {
        return new ConnectException("io_uring connect failed: " + Errno.describe(errno));
    }
}
