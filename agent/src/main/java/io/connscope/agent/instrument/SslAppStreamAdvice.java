package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for the plaintext application streams of {@code sun.security.ssl.SSLSocketImpl}
 * ({@code $AppInputStream}, {@code $AppOutputStream}; their {@code this$0} is the socket). The
 * single-byte read and write delegate to these methods. Only HTTP analysis uses these bytes: the
 * TCP byte counts come from the socket streams underneath, which carry the ciphertext.
 */
public final class SslAppStreamAdvice {

    private SslAppStreamAdvice() {
    }

    /** {@code read(byte[], int, int)}. */
    public static final class Read {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("this$0") Object socket, @Advice.Argument(0) byte[] b,
                         @Advice.Argument(1) int offset, @Advice.Return int n) {
            Bridge.plaintext(socket, true, b, offset, n);
        }
    }

    /** {@code write(byte[], int, int)}. */
    public static final class Write {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("this$0") Object socket, @Advice.Argument(0) byte[] b,
                         @Advice.Argument(1) int offset, @Advice.Argument(2) int length, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.plaintext(socket, false, b, offset, length);
            }
        }
    }
}
