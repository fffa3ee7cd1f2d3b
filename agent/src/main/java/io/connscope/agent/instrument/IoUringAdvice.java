package io.connscope.agent.instrument;

import io.connscope.bridge.UringBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for Netty 4.2's io_uring transport. Its reads and writes are not calls but entries on a
 * ring: the kernel fills a buffer the transport named in a submission, and reports how much in a
 * completion. So connscope watches the ring itself, at the three places every io_uring channel goes
 * through, whose arguments are JDK types only (verified with javap on Netty 4.2.10 and 4.2.18):
 * {@code LinuxSocket(int)} (the socket objects, by descriptor), {@code SubmissionQueue.enqueueSqe}
 * (each submission: opcode, descriptor, buffer, length, user data) and {@code IoUringIoHandler.handle}
 * (each completion: result, flags, user data). The same for the incubator transport for Netty 4.1
 * (verified with javap on 0.0.26.Final), whose {@code LinuxSocket} has the same suffix.
 */
public final class IoUringAdvice {

    private IoUringAdvice() {
    }

    /** The {@code LinuxSocket(int fd)} constructor. */
    public static final class SocketMade {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) int fd) {
            UringBridge.socketMade(socket, fd);
        }
    }

    /**
     * {@code enqueueSqe(byte opcode, byte flags, short ioPrio, int fd, long union1, long union2, int len,
     * int union3, long udata, ...)}: {@code union1} is the SQE's {@code off}, {@code union2} its {@code addr}.
     */
    public static final class Submitted {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) byte opcode, @Advice.Argument(1) byte flags, @Advice.Argument(3) int fd,
                         @Advice.Argument(4) long off, @Advice.Argument(5) long address, @Advice.Argument(6) int length,
                         @Advice.Argument(8) long userData, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                UringBridge.submitted(opcode, flags, fd, off, address, length, userData);
            }
        }
    }

    /**
     * {@code handle(int res, int flags, long udata, ByteBuffer extraCqeData)}: on entry, while the buffer a
     * read filled is still the transport's, and before a connect's completion lets the application write.
     */
    public static final class Completed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) int result, @Advice.Argument(1) int flags, @Advice.Argument(2) long userData) {
            UringBridge.completed(result, flags, userData);
        }
    }

    /**
     * The incubator transport for Netty 4.1 ({@code io.netty.incubator.channel.uring}, which Reactor
     * Netty prefers when it is present): {@code IOUringSubmissionQueue.enqueueSqe(byte op, int flags,
     * int rwFlags, int fd, long address, int length, long offset, short data)}. Its user data is the
     * descriptor, opcode and data, which its completions pass apart: the key is made of the same three.
     */
    public static final class IncubatorSubmitted {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) byte opcode, @Advice.Argument(1) int flags, @Advice.Argument(3) int fd,
                         @Advice.Argument(4) long address, @Advice.Argument(5) int length, @Advice.Argument(6) long off,
                         @Advice.Argument(7) short data, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                UringBridge.submitted(opcode, (byte) flags, fd, off, address, length, UringBridge.key(fd, opcode, data));
            }
        }
    }

    /** The incubator's {@code IOUringEventLoop.handle(int fd, int res, int flags, byte op, short data)}, on entry. */
    public static final class IncubatorCompleted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) int fd, @Advice.Argument(1) int result, @Advice.Argument(2) int flags,
                          @Advice.Argument(3) byte opcode, @Advice.Argument(4) short data) {
            UringBridge.completed(result, flags, UringBridge.key(fd, opcode, data));
        }
    }
}
