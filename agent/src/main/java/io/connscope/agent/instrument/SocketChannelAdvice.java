package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import io.connscope.bridge.OptionBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code sun.nio.ch.SocketChannelImpl}, including the package-private blocking methods
 * that the socket adaptor ({@code SocketChannel.socket()}) uses on JDK 17+.
 */
public final class SocketChannelAdvice {

    private SocketChannelAdvice() {
    }

    /** {@code connect(SocketAddress)}: returns false while a non-blocking connect is pending. */
    public static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object endpoint, @Advice.Enter long start,
                         @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            Bridge.channelConnectStarted(channel, endpoint, start, connected, thrown);
        }
    }

    /** {@code blockingConnect(SocketAddress, long)} (socket adaptor). */
    public static final class BlockingConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object endpoint, @Advice.Enter long start,
                         @Advice.Thrown Throwable thrown) {
            Bridge.channelConnectStarted(channel, endpoint, start, thrown == null, thrown);
        }
    }

    /** {@code finishConnect()}: on failure the JDK closes the channel before throwing. */
    public static final class FinishConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object channel) {
            Bridge.channelConnectFinishing(channel);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Return boolean connected,
                         @Advice.Thrown Throwable thrown) {
            Bridge.channelConnectFinished(channel, connected, thrown);
        }
    }

    /** {@code read(ByteBuffer)}: the bytes read end at the buffer's position. */
    public static final class Read {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object buffer, @Advice.Return int n,
                         @Advice.Thrown Throwable thrown) {
            Bridge.read(channel, n, thrown, buffer, Bridge.BEFORE_POSITION);
        }
    }

    /** {@code blockingRead(byte[], int, int, long)} (socket adaptor). */
    public static final class BlockingRead {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) byte[] b, @Advice.Argument(1) int offset,
                         @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            Bridge.read(channel, n, thrown, b, offset);
        }
    }

    /** {@code read(ByteBuffer[], int, int)}: the positions before the call tell where the bytes went. */
    public static final class ReadVectored {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object[] buffers, @Advice.Argument(1) int offset,
                          @Advice.Argument(2) int length) {
            Bridge.vectoredStart(buffers, offset, length);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object[] buffers,
                         @Advice.Argument(1) int offset, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            Bridge.read(channel, n, thrown, buffers, offset);
        }
    }

    /** {@code write(ByteBuffer)}: the bytes written end at the buffer's position. */
    public static final class Write {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object buffer, @Advice.Return int n,
                         @Advice.Thrown Throwable thrown) {
            Bridge.write(channel, n, thrown, buffer, Bridge.BEFORE_POSITION);
        }
    }

    /** {@code write(ByteBuffer[], int, int)}: the positions before the call tell which bytes went out. */
    public static final class WriteVectored {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object[] buffers, @Advice.Argument(1) int offset,
                          @Advice.Argument(2) int length) {
            Bridge.vectoredStart(buffers, offset, length);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object[] buffers,
                         @Advice.Argument(1) int offset, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            Bridge.write(channel, n, thrown, buffers, offset);
        }
    }

    /** {@code blockingWriteFully(byte[], int, int)}: all of {@code length} is written unless it throws. */
    public static final class BlockingWriteFully {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) byte[] b, @Advice.Argument(1) int offset,
                         @Advice.Argument(2) int length, @Advice.Thrown Throwable thrown) {
            Bridge.write(channel, thrown == null ? length : 0, thrown, b, offset);
        }
    }

    /** {@code setOption(SocketOption, Object)}, the non-bridge method only. */
    public static final class SetOption {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object name, @Advice.Argument(1) Object value,
                         @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                OptionBridge.option(channel, name, value);
            }
        }
    }

    /** {@code shutdownInput()}. */
    public static final class ShutdownInput {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.shutdownInput(channel);
            }
        }
    }

    /** {@code shutdownOutput()}. */
    public static final class ShutdownOutput {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.shutdownOutput(channel);
            }
        }
    }

    /** {@code implCloseSelectableChannel()}. */
    public static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object channel) {
            Bridge.closing(channel);
        }
    }
}
