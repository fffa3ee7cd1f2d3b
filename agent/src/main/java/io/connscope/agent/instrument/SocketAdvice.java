package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import io.connscope.bridge.OptionBridge;
import net.bytebuddy.asm.Advice;

/** Advice for {@code java.net.Socket}. Also runs for SSLSocketImpl, whose overrides call these via super. */
public final class SocketAdvice {

    private SocketAdvice() {
    }

    /** {@code connect(SocketAddress, int)}: every constructor and connect overload funnels here. */
    public static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) Object endpoint, @Advice.Enter long start,
                         @Advice.Thrown Throwable thrown) {
            Bridge.socketConnected(socket, endpoint, start, thrown);
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

    /** {@code setSoLinger(boolean on, int seconds)}. */
    public static final class SetSoLinger {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) boolean on, @Advice.Argument(1) int seconds,
                         @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                OptionBridge.linger(socket, on ? seconds : -1);
            }
        }
    }

    /** {@code setOption(SocketOption, Object)}. */
    public static final class SetOption {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) Object name, @Advice.Argument(1) Object value,
                         @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                OptionBridge.option(socket, name, value);
            }
        }
    }

    /** {@code shutdownInput()}. */
    public static final class ShutdownInput {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.shutdownInput(socket);
            }
        }
    }

    /** {@code shutdownOutput()}. */
    public static final class ShutdownOutput {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.shutdownOutput(socket);
            }
        }
    }

    /** {@code close()}: on entry, while unread input can still be measured. */
    public static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object socket) {
            Bridge.closing(socket);
        }
    }
}
