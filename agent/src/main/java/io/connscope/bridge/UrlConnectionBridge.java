package io.connscope.bridge;

/**
 * Static entry points for the advice in the JDK's HttpURLConnection (sun.net.www), on the bootstrap
 * path with {@link Bridge}, whose sink, guards and failure accounting they share. Kept free of lambdas
 * and string concatenation, as {@link Bridge} is.
 */
public final class UrlConnectionBridge {

    private UrlConnectionBridge() {
    }

    public static void urlConnectionWriting(Object urlConnection, boolean resending) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_HTTP_URL_CONNECTION);
        if (s != null && !Bridge.isAgentThread() && Bridge.enter()) {
            try {
                s.urlConnectionWriting(urlConnection, resending);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_HTTP_URL_CONNECTION, t);
            } finally {
                Bridge.exit();
            }
        }
    }

    public static void urlConnectionRequest(Object socket, boolean resending) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_HTTP_URL_CONNECTION);
        if (s != null && !Bridge.isAgentThread() && Bridge.enter()) {
            try {
                s.urlConnectionRequest(socket, resending);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_HTTP_URL_CONNECTION, t);
            } finally {
                Bridge.exit();
            }
        }
    }

    public static void keepAliveCacheHit(Object httpClient) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_HTTP_URL_CONNECTION);
        if (s != null && httpClient != null && !Bridge.isAgentThread() && Bridge.enter()) {
            try {
                s.keepAliveCacheHit(httpClient);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_HTTP_URL_CONNECTION, t);
            } finally {
                Bridge.exit();
            }
        }
    }
}
