package io.connscope.agent.http;

/** HTTP/2 error codes by name (RFC 9113 §7), as RST_STREAM and GOAWAY carry them. */
public final class Http2ErrorCodes {

    private static final String[] NAMES = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
        "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};

    private Http2ErrorCodes() {
    }

    /** An error code's name, or "0x…" for one not defined there. */
    public static String name(long code) {
        return code >= 0 && code < NAMES.length ? NAMES[(int) code] : "0x" + Long.toHexString(code);
    }
}
