package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for the JDK 13+ socket streams {@code java.net.Socket$SocketInputStream} and
 * {@code $SocketOutputStream}, which wrap every SocketImpl's streams. Their {@code parent} field is
 * the Socket. The single-byte read and write delegate to these methods.
 */
public final class SocketStreamAdvice {

    private SocketStreamAdvice() {
    }

    /** {@code read(byte[], int, int)}. */
    public static final class Read {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("parent") Object socket, @Advice.Argument(0) byte[] b,
                         @Advice.Argument(1) int offset, @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            Bridge.read(socket, n, thrown, b, offset);
        }
    }

    /** {@code write(byte[], int, int)}. */
    public static final class Write {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("parent") Object socket, @Advice.Argument(0) byte[] b,
                         @Advice.Argument(1) int offset, @Advice.Argument(2) int length, @Advice.Thrown Throwable thrown) {
            Bridge.write(socket, thrown == null ? length : 0, thrown, b, offset);
        }
    }
}
