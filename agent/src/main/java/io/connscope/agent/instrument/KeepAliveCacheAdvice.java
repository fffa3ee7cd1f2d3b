package io.connscope.agent.instrument;

import io.connscope.bridge.UrlConnectionBridge;
import net.bytebuddy.asm.Advice;

/** Advice for {@code sun.net.www.http.KeepAliveCache.get(URL, Object)}: a non-null result is a reused connection. */
public final class KeepAliveCacheAdvice {

    private KeepAliveCacheAdvice() {
    }

    public static final class Get {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return Object httpClient) {
            if (httpClient != null) {
                UrlConnectionBridge.keepAliveCacheHit(httpClient);
            }
        }
    }
}
