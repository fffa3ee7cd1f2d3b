package io.connscope.bridge;

/**
 * Static entry points for socket options set by the application (TCP_NODELAY, SO_LINGER), on the
 * bootstrap path with {@link Bridge}, whose sink, hook switches and failure accounting they share.
 * Kept free of lambdas and string concatenation, as {@link Bridge} is.
 */
public final class OptionBridge {

    private OptionBridge() {
    }

    public static void noDelay(Object key, boolean on) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_OPTION);
        if (s != null && Bridge.enter()) {
            try {
                s.noDelay(key, on);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_OPTION, t);
            } finally {
                Bridge.exit();
            }
        }
    }

    public static void linger(Object key, int seconds) {
        ConnectionSink s = Bridge.active(Bridge.HOOK_OPTION);
        if (s != null && Bridge.enter()) {
            try {
                s.linger(key, seconds);
            } catch (Throwable t) {
                Bridge.failed(Bridge.HOOK_OPTION, t);
            } finally {
                Bridge.exit();
            }
        }
    }

    /** {@code setOption(name, value)}: TCP_NODELAY and SO_LINGER are of interest. */
    public static void option(Object key, Object name, Object value) {
        if (value instanceof Boolean && name == java.net.StandardSocketOptions.TCP_NODELAY) {
            noDelay(key, ((Boolean) value).booleanValue());
        } else if (value instanceof Integer && name == java.net.StandardSocketOptions.SO_LINGER) {
            linger(key, ((Integer) value).intValue());
        }
    }
}
