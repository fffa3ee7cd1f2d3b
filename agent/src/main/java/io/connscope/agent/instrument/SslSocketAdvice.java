package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code sun.security.ssl.SSLSocketImpl.startHandshake(boolean)}, the private method that
 * both the public {@code startHandshake()} and the implicit handshake on first I/O
 * ({@code ensureNegotiated}) call on JDK 11+.
 */
public final class SslSocketAdvice {

    private SslSocketAdvice() {
    }

    public static final class StartHandshake {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return Bridge.tlsHandshakeStarted();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
            Bridge.tlsHandshakeEnded(socket, start, thrown);
        }
    }
}
