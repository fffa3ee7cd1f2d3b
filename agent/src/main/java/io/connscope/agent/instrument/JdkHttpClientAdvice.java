package io.connscope.agent.instrument;

import io.connscope.bridge.UrlConnectionBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code sun.net.www.http.HttpClient.writeRequests(MessageHeader[, PosterOutputStream])}:
 * HttpURLConnection's client writes a request on its socket ({@code NetworkClient.serverSocket}).
 * Its {@code failedOnce} is set when parseHTTP/parseHTTPHeader resend the request after a failed
 * read (the JDK's silent resend).
 */
public final class JdkHttpClientAdvice {

    private JdkHttpClientAdvice() {
    }

    public static final class WriteRequests {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("serverSocket") Object socket, @Advice.FieldValue("failedOnce") boolean failedOnce) {
            UrlConnectionBridge.urlConnectionRequest(socket, failedOnce);
        }
    }
}
