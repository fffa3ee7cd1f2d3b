package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.GRPC_REQUEST_MESSAGES;
import static io.connscope.agent.export.Semconv.GRPC_RESPONSE_MESSAGES;
import static io.connscope.agent.export.Semconv.GRPC_STATUS_MESSAGE;
import static io.connscope.agent.export.Semconv.RPC_GRPC_STATUS_CODE;
import static io.connscope.agent.export.Semconv.RPC_METHOD;
import static io.connscope.agent.export.Semconv.RPC_SERVICE;
import static io.connscope.agent.export.Semconv.RPC_SYSTEM;

import io.connscope.agent.http.GrpcCall;
import io.opentelemetry.api.trace.SpanBuilder;

/** A gRPC call's exchange span, by the RPC semantic conventions: its name, rpc.* attributes and error. */
final class GrpcSpans {

    /** Status codes that make a server span an error (the conventions: the server's fault, not the caller's). */
    private static final int[] SERVER_ERRORS = {2, 4, 12, 13, 14, 15}; // UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS

    private GrpcSpans() {
    }

    /** {@code package.Service/Method}, or null when the path did not name one. */
    static String name(GrpcCall call) {
        return call.service() == null ? null : call.service() + "/" + call.method();
    }

    static void describe(SpanBuilder sb, GrpcCall call) {
        sb.setAttribute(RPC_SYSTEM, "grpc");
        if (call.service() != null) {
            sb.setAttribute(RPC_SERVICE, call.service());
            sb.setAttribute(RPC_METHOD, call.method());
        }
        if (call.status() >= 0) {
            sb.setAttribute(RPC_GRPC_STATUS_CODE, (long) call.status());
        }
        if (call.message() != null) {
            sb.setAttribute(GRPC_STATUS_MESSAGE, call.message());
        }
        sb.setAttribute(GRPC_REQUEST_MESSAGES, (long) call.requestMessages());
        sb.setAttribute(GRPC_RESPONSE_MESSAGES, (long) call.responseMessages());
    }

    /** error.type for the call's status (its name, e.g. UNAVAILABLE), or null when it is no error at this end. */
    static String error(GrpcCall call, boolean client) {
        int status = call.status();
        if (status <= 0) {
            return null;
        }
        if (!client) {
            boolean serverError = false;
            for (int code : SERVER_ERRORS) {
                serverError |= code == status;
            }
            if (!serverError) {
                return null;
            }
        }
        return GrpcCall.statusName(status);
    }
}
