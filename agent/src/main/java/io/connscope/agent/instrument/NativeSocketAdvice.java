package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import io.connscope.bridge.OptionBridge;
import io.connscope.bridge.NativeBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for Netty's native transports (epoll), at the layer every one of their stream channels goes
 * through: {@code io.netty.channel.unix.FileDescriptor} (reads, writes, close) and its subclass
 * {@code io.netty.channel.unix.Socket} (connect, accept, shutdown, TCP_NODELAY, SO_LINGER), under any relocation
 * prefix. Their arguments are JDK types only, so one advice fits every shaded copy. The key of a
 * connection is the {@code Socket} object; native-memory forms pass the address, which the tracker
 * reads only while the HTTP analysis wants the bytes.
 */
public final class NativeSocketAdvice {

    private NativeSocketAdvice() {
    }

    /** {@code read(ByteBuffer, int pos, int limit)}, {@code recv(...)}: the bytes land at index {@code pos}. */
    public static final class Read {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) Object buffer, @Advice.Argument(1) int pos,
                         @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            Bridge.read(socket, n, thrown, buffer, pos);
        }
    }

    /** {@code readAddress(long address, int pos, int limit)}, {@code recvAddress(...)}. */
    public static final class ReadAddress {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) long address, @Advice.Argument(1) int pos,
                         @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            NativeBridge.readAddress(socket, n, thrown, address + pos);
        }
    }

    /** {@code write(ByteBuffer, int pos, int limit)}, {@code send(...)}: the bytes start at index {@code pos}. */
    public static final class Write {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) Object buffer, @Advice.Argument(1) int pos,
                         @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            Bridge.write(socket, n, thrown, buffer, pos);
        }
    }

    /** {@code writeAddress(long address, int pos, int limit)}, {@code sendAddress(...)}. */
    public static final class WriteAddress {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) long address, @Advice.Argument(1) int pos,
                         @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            NativeBridge.writeAddress(socket, n, thrown, address + pos, -1);
        }
    }

    /**
     * {@code writev(ByteBuffer[], int offset, int length, long)}: a composite buffer, or any gathering
     * write where Netty has no {@code Unsafe}. The buffers' positions do not move: the bytes written
     * are the first {@code n} from each one's position on.
     */
    public static final class Writev {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) Object[] buffers, @Advice.Argument(1) int offset,
                         @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            NativeBridge.writeGathered(socket, n, thrown, buffers, offset);
        }
    }

    /**
     * {@code LinuxSocket.sendFile(DefaultFileRegion, long, long, long)}: bytes from a file, which the
     * kernel copies, never in memory: counted, and the connection's analysis stops (it cannot skip
     * bytes it does not see in step).
     */
    public static final class SendFile {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            Bridge.write(socket, n, thrown, null, 0);
        }
    }

    /** {@code writevAddresses(long iovecs, int count)}: gathered from an array of {@code struct iovec}. */
    public static final class WritevAddresses {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) long iovecs, @Advice.Argument(1) int count,
                         @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            NativeBridge.writeAddress(socket, n, thrown, iovecs, count);
        }
    }

    /** {@code close()}. */
    public static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object socket) {
            Bridge.closing(socket);
        }
    }

    /** {@code connect(SocketAddress)}: false while a non-blocking connect is pending. */
    public static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) Object endpoint, @Advice.Enter long start,
                         @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            Bridge.channelConnectStarted(socket, endpoint, start, connected, thrown);
        }
    }

    /** {@code finishConnect()}: true once connected; throws when the connect failed. */
    public static final class FinishConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object socket) {
            Bridge.channelConnectFinishing(socket);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            Bridge.channelConnectFinished(socket, connected, thrown);
        }
    }

    /** {@code accept(byte[])}: the accepted descriptor, wrapped in a socket object right after. */
    public static final class Accept {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Return int fd, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                NativeBridge.nativeAccepted(socket, fd);
            }
        }
    }

    /** The {@code Socket(int fd)} constructor. */
    public static final class Created {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) int fd) {
            NativeBridge.nativeSocketCreated(socket, fd);
        }
    }

    /** {@code shutdown(boolean read, boolean write)}. */
    public static final class Shutdown {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) boolean read, @Advice.Argument(1) boolean write,
                         @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                if (read) {
                    Bridge.shutdownInput(socket);
                }
                if (write) {
                    Bridge.shutdownOutput(socket);
                }
            }
        }
    }

    /** {@code setSoLinger(int seconds)}: negative for off. */
    public static final class SetSoLinger {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) int seconds, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                OptionBridge.linger(socket, seconds);
            }
        }
    }

    /** {@code setTcpNoDelay(boolean)}. */
    public static final class SetTcpNoDelay {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) boolean on, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                OptionBridge.noDelay(socket, on);
            }
        }
    }
}
