package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code sun.nio.ch.FileChannelImpl}: {@code transferTo} a socket channel. Its direct path
 * hands the file to the kernel ({@code sendfile}), so the socket channel's write is never called; its
 * other paths write through the channel and are counted there. Only the direct path is hooked:
 * {@code transferToDirectly(long, int, WritableByteChannel)} on JDK 17, {@code transferToDirect} with
 * the same arguments on JDK 25 (verified with javap). A negative result means "not done directly".
 */
public final class FileChannelAdvice {

    private FileChannelAdvice() {
    }

    /** The bytes the kernel sent from the file: counted on the target; the connection's analysis stops there. */
    public static final class TransferToDirect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(2) Object target, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            if (thrown != null || n > 0) {
                Bridge.write(target, thrown != null ? 0 : n, thrown, null, 0);
            }
        }
    }
}
