package io.connscope.agent.http;
import io.connscope.agent.wire.WireBytes;

/**
 * What an HTTP/2 stream says about the gRPC call it carries: the service and method (its
 * {@code :path}, {@code /package.Service/Method}), the status from the trailers (or a trailers-only
 * response), and the length-prefixed messages each way.
 */
public final class GrpcCall {

    /** Longest grpc-message kept. */
    static final int MAX_MESSAGE = 200;
    private static final String[] STATUS_NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    private final String service;
    private final String method;
    final Messages requests = new Messages();
    final Messages responses = new Messages();
    volatile int status = -1;
    volatile String message;

    GrpcCall(String path) {
        int slash = path == null ? -1 : path.lastIndexOf('/');
        if (slash > 0 && path.charAt(0) == '/' && slash < path.length() - 1) {
            service = path.substring(1, slash);
            method = path.substring(slash + 1);
        } else {
            service = null;
            method = null;
        }
    }

    /** The fully qualified service, as {@code rpc.service} wants it, or null when the path is not /service/method. */
    public String service() {
        return service;
    }

    public String method() {
        return method;
    }

    /** The grpc-status code, or -1 when no trailers were seen. */
    public int status() {
        return status;
    }

    /** The grpc-message that came with a status, percent-encoded as sent, or null. */
    public String message() {
        return message;
    }

    public int requestMessages() {
        return requests.count;
    }

    public int responseMessages() {
        return responses.count;
    }

    /** A status code's name ("UNAVAILABLE"), or its number when gRPC defines none. */
    public static String statusName(int code) {
        return code >= 0 && code < STATUS_NAMES.length ? STATUS_NAMES[code] : Integer.toString(code);
    }

    /**
     * Counts the length-prefixed messages in one direction's DATA: a flag byte and a 4-byte length,
     * then that many bytes, skipped by count. Only the 5-byte prefixes are looked at.
     */
    static final class Messages {
        private int prefixSeen;
        private long length;
        private long left;
        private volatile int count;

        void feed(Object data, int from, int n) {
            int i = 0;
            while (i < n) {
                if (left > 0) {
                    int take = (int) Math.min(left, n - i);
                    left -= take;
                    i += take;
                    continue;
                }
                int b = WireBytes.at(data, from + i) & 0xFF;
                i++;
                if (prefixSeen > 0) {
                    length = length << 8 | b;
                }
                if (++prefixSeen == 5) {
                    count++;
                    left = length;
                    length = 0;
                    prefixSeen = 0;
                }
            }
        }
    }
}
