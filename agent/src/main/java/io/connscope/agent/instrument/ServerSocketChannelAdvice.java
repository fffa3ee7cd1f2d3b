package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code sun.nio.ch.ServerSocketChannelImpl.finishAccept(FileDescriptor, SocketAddress)},
 * which both {@code accept()} and the adaptor's {@code blockingAccept(long)} call.
 */
public final class ServerSocketChannelAdvice {

    private ServerSocketChannelAdvice() {
    }

    public static final class FinishAccept {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object serverChannel, @Advice.Return Object channel,
                         @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.channelAccepted(serverChannel, channel);
            }
        }
    }
}
