package io.connscope.agent.instrument;

import io.connscope.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code java.net.ServerSocket.implAccept(Socket)}, which both {@code ServerSocket.accept()}
 * and {@code SSLServerSocketImpl.accept()} call with the socket they return.
 */
public final class ServerSocketAdvice {

    private ServerSocketAdvice() {
    }

    public static final class ImplAccept {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object serverSocket, @Advice.Argument(0) Object socket,
                         @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.socketAccepted(serverSocket, socket);
            }
        }
    }
}
