package io.connscope.agent.instrument;

import io.connscope.bridge.UrlConnectionBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code sun.net.www.protocol.http.HttpURLConnection.writeRequests()} (private, no
 * arguments on JDK 11–25): names the HttpURLConnection behind the request that follows. Its
 * {@code failedOnce} is set when the JDK resends after a failed write (the writeRequests path).
 */
public final class HttpUrlConnectionAdvice {

    private HttpUrlConnectionAdvice() {
    }

    public static final class WriteRequests {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object urlConnection, @Advice.FieldValue("failedOnce") boolean failedOnce) {
            UrlConnectionBridge.urlConnectionWriting(urlConnection, failedOnce);
        }
    }
}
