package io.connscope.agent.instrument;

import io.connscope.bridge.EngineBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for the {@code wrap} and {@code unwrap} methods of every {@code SSLEngine}: the JDK's, Netty's
 * OpenSSL/BoringSSL engine, Conscrypt's, or any other. Each engine implements the two abstract
 * four-argument forms; the JDK's and Netty's add six-argument ones, which their overloads and their
 * callers use. Whichever is called first on a thread reports, the others it delegates to do not
 * ({@link EngineBridge#tlsEngineEnter}). The engine does no I/O: its ciphertext is counted where it is
 * written or read, and its plaintext goes to the HTTP analysis.
 */
public final class SslEngineAdvice {

    private SslEngineAdvice() {
    }

    /** {@code wrap(ByteBuffer[] srcs, int, int, ByteBuffer dst)}: plaintext in, ciphertext out. */
    public static final class Wrap {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(@Advice.Argument(0) Object[] srcs, @Advice.Argument(1) int offset,
                             @Advice.Argument(2) int length, @Advice.Argument(3) Object dst) {
            return EngineBridge.tlsEngineEnter(srcs, offset, length, dst, 0);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter boolean outermost, @Advice.This Object engine, @Advice.Argument(0) Object[] srcs,
                         @Advice.Argument(1) int offset, @Advice.Argument(3) Object dst, @Advice.Return Object result,
                         @Advice.Thrown Throwable thrown) {
            EngineBridge.tlsEngineExit(outermost, engine, true, result, thrown, srcs, offset, dst, 0);
        }
    }

    /** {@code wrap(ByteBuffer[] srcs, int, int, ByteBuffer[] dsts, int, int)} (JDK). */
    public static final class WrapVectored {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(@Advice.Argument(0) Object[] srcs, @Advice.Argument(1) int offset,
                             @Advice.Argument(2) int length, @Advice.Argument(3) Object[] dsts,
                             @Advice.Argument(4) int dstsOffset) {
            return EngineBridge.tlsEngineEnter(srcs, offset, length, dsts, dstsOffset);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter boolean outermost, @Advice.This Object engine, @Advice.Argument(0) Object[] srcs,
                         @Advice.Argument(1) int offset, @Advice.Argument(3) Object[] dsts,
                         @Advice.Argument(4) int dstsOffset, @Advice.Return Object result, @Advice.Thrown Throwable thrown) {
            EngineBridge.tlsEngineExit(outermost, engine, true, result, thrown, srcs, offset, dsts, dstsOffset);
        }
    }

    /** {@code unwrap(ByteBuffer src, ByteBuffer[] dsts, int, int)}: ciphertext in, plaintext out. */
    public static final class Unwrap {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(@Advice.Argument(0) Object src, @Advice.Argument(1) Object[] dsts,
                             @Advice.Argument(2) int offset, @Advice.Argument(3) int length) {
            return EngineBridge.tlsEngineEnter(dsts, offset, length, src, 0);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter boolean outermost, @Advice.This Object engine, @Advice.Argument(0) Object src,
                         @Advice.Argument(1) Object[] dsts, @Advice.Argument(2) int dstsOffset,
                         @Advice.Return Object result, @Advice.Thrown Throwable thrown) {
            EngineBridge.tlsEngineExit(outermost, engine, false, result, thrown, dsts, dstsOffset, src, 0);
        }
    }

    /** {@code unwrap(ByteBuffer[] srcs, int, int, ByteBuffer[] dsts, int, int)} (JDK, Netty's OpenSSL engine). */
    public static final class UnwrapVectored {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(@Advice.Argument(0) Object[] srcs, @Advice.Argument(1) int srcsOffset,
                             @Advice.Argument(3) Object[] dsts, @Advice.Argument(4) int offset,
                             @Advice.Argument(5) int length) {
            return EngineBridge.tlsEngineEnter(dsts, offset, length, srcs, srcsOffset);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter boolean outermost, @Advice.This Object engine, @Advice.Argument(0) Object[] srcs,
                         @Advice.Argument(1) int offset, @Advice.Argument(3) Object[] dsts,
                         @Advice.Argument(4) int dstsOffset, @Advice.Return Object result, @Advice.Thrown Throwable thrown) {
            EngineBridge.tlsEngineExit(outermost, engine, false, result, thrown, dsts, dstsOffset, srcs, offset);
        }
    }
}
