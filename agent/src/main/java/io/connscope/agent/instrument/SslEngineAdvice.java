package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code sun.security.ssl.SSLEngineImpl}'s six-argument {@code wrap} and {@code unwrap},
 * which every other overload delegates to (JDK 11 to 25). The engine does no I/O: its ciphertext is
 * counted where the application writes it (a channel), and its plaintext goes to the HTTP analysis.
 */
public final class SslEngineAdvice {

    private SslEngineAdvice() {
    }

    /** {@code wrap(ByteBuffer[] srcs, int, int, ByteBuffer[] dsts, int, int)}: plaintext in, ciphertext out. */
    public static final class Wrap {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object[] srcs, @Advice.Argument(1) int offset,
                          @Advice.Argument(2) int length) {
            Bridge.vectoredStart(srcs, offset, length);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object engine, @Advice.Argument(0) Object[] srcs, @Advice.Argument(1) int offset,
                         @Advice.Argument(3) Object[] dsts, @Advice.Argument(4) int dstsOffset,
                         @Advice.Return Object result, @Advice.Thrown Throwable thrown) {
            Bridge.tlsEngine(engine, true, result, thrown, srcs, offset, dsts, dstsOffset);
        }
    }

    /** {@code unwrap(ByteBuffer[] srcs, int, int, ByteBuffer[] dsts, int, int)}: ciphertext in, plaintext out. */
    public static final class Unwrap {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(3) Object[] dsts, @Advice.Argument(4) int offset,
                          @Advice.Argument(5) int length) {
            Bridge.vectoredStart(dsts, offset, length);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object engine, @Advice.Argument(0) Object[] srcs, @Advice.Argument(1) int offset,
                         @Advice.Argument(3) Object[] dsts, @Advice.Argument(4) int dstsOffset,
                         @Advice.Return Object result, @Advice.Thrown Throwable thrown) {
            Bridge.tlsEngine(engine, false, result, thrown, dsts, dstsOffset, srcs, offset);
        }
    }
}
