package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for the PlainSocketImpl streams {@code java.net.SocketInputStream} and
 * {@code java.net.SocketOutputStream} (JDK 8-12, and 13-17 with {@code -Djdk.net.usePlainSocketImpl}).
 * Their {@code impl} field is the SocketImpl, which the registry knows as an alias of the Socket.
 */
public final class LegacySocketStreamAdvice {

    private LegacySocketStreamAdvice() {
    }

    /** {@code read(byte[], int, int, int)}: every read overload funnels here. */
    public static final class Read {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("impl") Object impl, @Advice.Argument(0) byte[] b,
                         @Advice.Argument(1) int offset, @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            Bridge.read(impl, n, thrown, b, offset);
        }
    }

    /** {@code socketWrite(byte[], int, int)}: every write overload funnels here. */
    public static final class Write {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("impl") Object impl, @Advice.Argument(0) byte[] b,
                         @Advice.Argument(1) int offset, @Advice.Argument(2) int length, @Advice.Thrown Throwable thrown) {
            Bridge.write(impl, thrown == null ? length : 0, thrown, b, offset);
        }
    }
}
