package io.connscope.agent.export;

import io.opentelemetry.api.common.AttributeKey;

/** Attribute keys: OpenTelemetry semantic-convention names where they exist, connscope.* otherwise. */
public final class Semconv {

    public static final AttributeKey<String> NETWORK_TRANSPORT = AttributeKey.stringKey("network.transport");
    public static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    public static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
    public static final AttributeKey<String> NETWORK_LOCAL_ADDRESS = AttributeKey.stringKey("network.local.address");
    public static final AttributeKey<Long> NETWORK_LOCAL_PORT = AttributeKey.longKey("network.local.port");
    public static final AttributeKey<String> NETWORK_IO_DIRECTION = AttributeKey.stringKey("network.io.direction");
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> TLS_PROTOCOL_NAME = AttributeKey.stringKey("tls.protocol.name");
    public static final AttributeKey<String> TLS_PROTOCOL_VERSION = AttributeKey.stringKey("tls.protocol.version");
    public static final AttributeKey<String> TLS_CIPHER = AttributeKey.stringKey("tls.cipher");
    public static final AttributeKey<Boolean> TLS_RESUMED = AttributeKey.booleanKey("tls.resumed");
    public static final AttributeKey<Boolean> TLS_ESTABLISHED = AttributeKey.booleanKey("tls.established");
    public static final AttributeKey<String> TLS_NEXT_PROTOCOL = AttributeKey.stringKey("tls.next_protocol");

    public static final AttributeKey<String> NETWORK_PROTOCOL_NAME = AttributeKey.stringKey("network.protocol.name");
    public static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    public static final AttributeKey<Long> HTTP_REQUESTS = AttributeKey.longKey("connscope.http.requests");
    public static final AttributeKey<Long> HTTP_RESPONSES = AttributeKey.longKey("connscope.http.responses");
    public static final AttributeKey<Long> HTTP_TRUNCATED = AttributeKey.longKey("connscope.http.truncated");
    public static final AttributeKey<Long> HTTP_KEEP_ALIVE_TIMEOUT = AttributeKey.longKey("connscope.http.keep_alive_timeout_s");
    public static final AttributeKey<String> HTTP_STOPPED = AttributeKey.stringKey("connscope.http.analysis_stopped");

    public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
        AttributeKey.stringKey("http.request.method_original");
    public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    public static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    public static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    public static final AttributeKey<Long> CLIENT_PORT = AttributeKey.longKey("client.port");
    public static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");
    public static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    public static final AttributeKey<Boolean> CONNECTION_REUSED = AttributeKey.booleanKey("connscope.connection.reused");
    public static final AttributeKey<Long> REQUEST_INDEX = AttributeKey.longKey("connscope.connection.request_index");
    public static final AttributeKey<Double> IDLE_BEFORE_MS = AttributeKey.doubleKey("connscope.connection.idle_before_ms");
    public static final AttributeKey<Boolean> HTTP_PIPELINED = AttributeKey.booleanKey("connscope.http.pipelined");
    public static final AttributeKey<Double> HTTP_TTFB_MS = AttributeKey.doubleKey("connscope.http.time_to_first_byte_ms");

    public static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    public static final AttributeKey<String> HTTP_RESENT_BY = AttributeKey.stringKey("connscope.http.resent_by");
    public static final AttributeKey<Long> HTTP_RESEND_OF_CONNECTION =
        AttributeKey.longKey("connscope.http.resend_of.connection.id");
    public static final AttributeKey<String> HTTP_RESEND_OF_FAILURE = AttributeKey.stringKey("connscope.http.resend_of.failure");
    public static final AttributeKey<String> HTTP_CLIENT_API = AttributeKey.stringKey("connscope.http.client.api");
    public static final AttributeKey<String> HTTP_CLIENT_OBJECT = AttributeKey.stringKey("connscope.http.client.object");
    public static final AttributeKey<String> HTTP_CLIENT_RESEND_PATH = AttributeKey.stringKey("connscope.http.client.resend_path");
    public static final AttributeKey<Boolean> FROM_KEEPALIVE_CACHE =
        AttributeKey.booleanKey("connscope.connection.from_keepalive_cache");
    public static final AttributeKey<Boolean> HTTP_CLOSE_DELIMITED = AttributeKey.booleanKey("connscope.http.close_delimited");
    public static final AttributeKey<Long> HTTP_RESPONSE_BODY_SIZE = AttributeKey.longKey("http.response.body.size");

    public static final AttributeKey<Boolean> SEEN_SINCE_ATTACH = AttributeKey.booleanKey("connscope.connection.seen_since_attach");

    public static final AttributeKey<String> RULE = AttributeKey.stringKey("connscope.rule");
    public static final AttributeKey<String> EVIDENCE = AttributeKey.stringKey("connscope.evidence");
    public static final AttributeKey<String> ADVICE = AttributeKey.stringKey("connscope.advice");
    public static final AttributeKey<String> HTTP_CONNECTION_STATE = AttributeKey.stringKey("http.connection.state");

    public static final AttributeKey<Long> CONNECTION_ID = AttributeKey.longKey("connscope.connection.id");
    public static final AttributeKey<String> ROLE = AttributeKey.stringKey("connscope.connection.role");
    public static final AttributeKey<String> API = AttributeKey.stringKey("connscope.connection.api");
    public static final AttributeKey<Long> BYTES_SENT = AttributeKey.longKey("connscope.connection.bytes_sent");
    public static final AttributeKey<Long> BYTES_RECEIVED = AttributeKey.longKey("connscope.connection.bytes_received");
    public static final AttributeKey<Long> WRITES = AttributeKey.longKey("connscope.connection.writes");
    public static final AttributeKey<Long> READS = AttributeKey.longKey("connscope.connection.reads");
    public static final AttributeKey<Double> FIRST_WRITE_MS = AttributeKey.doubleKey("connscope.connection.first_write_ms");
    public static final AttributeKey<Double> FIRST_READ_MS = AttributeKey.doubleKey("connscope.connection.first_read_ms");
    public static final AttributeKey<Double> IDLE_MS = AttributeKey.doubleKey("connscope.connection.idle_ms");
    public static final AttributeKey<Boolean> TCP_NODELAY = AttributeKey.booleanKey("connscope.tcp_nodelay");
    public static final AttributeKey<Boolean> TCP_NODELAY_BEFORE_FIRST_WRITE =
        AttributeKey.booleanKey("connscope.tcp_nodelay.before_first_write");
    public static final AttributeKey<String> CLOSE_CLASSIFICATION = AttributeKey.stringKey("connscope.close.classification");
    public static final AttributeKey<String> CLOSE_INITIATOR = AttributeKey.stringKey("connscope.close.initiator");
    public static final AttributeKey<String> CLOSE_SEQUENCE = AttributeKey.stringKey("connscope.close.sequence");
    public static final AttributeKey<Boolean> OPEN_AT_EXIT = AttributeKey.booleanKey("connscope.connection.open_at_exit");
    public static final AttributeKey<Long> TLS_HANDSHAKES = AttributeKey.longKey("connscope.tls.handshakes");
    // HTTP/2: the connection
    public static final AttributeKey<String> HTTP2_DETECTED_BY = AttributeKey.stringKey("connscope.http2.detected_by");
    public static final AttributeKey<Long> HTTP2_STREAMS = AttributeKey.longKey("connscope.http2.streams");
    public static final AttributeKey<Long> HTTP2_CONCURRENT_MAX = AttributeKey.longKey("connscope.http2.streams.concurrent_max");
    public static final AttributeKey<Long> HTTP2_PUSH_PROMISES = AttributeKey.longKey("connscope.http2.push_promises");
    public static final AttributeKey<Long> HTTP2_NOT_FOLLOWED = AttributeKey.longKey("connscope.http2.streams.not_followed");
    public static final AttributeKey<String> HTTP2_GOAWAY_BY = AttributeKey.stringKey("connscope.http2.goaway.sent_by");
    public static final AttributeKey<Long> HTTP2_GOAWAY_LAST_STREAM = AttributeKey.longKey("connscope.http2.goaway.last_stream_id");
    public static final AttributeKey<Long> HTTP2_GOAWAY_CODE = AttributeKey.longKey("connscope.http2.goaway.error_code");
    public static final AttributeKey<String> HTTP2_GOAWAY_ERROR = AttributeKey.stringKey("connscope.http2.goaway.error");
    public static final AttributeKey<String> HTTP2_GOAWAY_DEBUG = AttributeKey.stringKey("connscope.http2.goaway.debug");
    public static final AttributeKey<String> HTTP2_HPACK_FAILURE = AttributeKey.stringKey("connscope.http2.hpack_failure");
    public static final AttributeKey<String> HTTP2_FRAMING_FAILURE = AttributeKey.stringKey("connscope.http2.framing_failure");
    // HTTP/2: a stream
    public static final AttributeKey<Long> HTTP2_STREAM_ID = AttributeKey.longKey("connscope.http2.stream_id");
    public static final AttributeKey<String> HTTP2_RESET_BY = AttributeKey.stringKey("connscope.http2.reset_by");
    public static final AttributeKey<String> HTTP2_RESET_ERROR = AttributeKey.stringKey("connscope.http2.reset_error");
    // gRPC: a call (an HTTP/2 stream), by the RPC semantic conventions where they have a name
    public static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    public static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    public static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    public static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    public static final AttributeKey<String> GRPC_STATUS_MESSAGE = AttributeKey.stringKey("connscope.grpc.status_message");
    public static final AttributeKey<Long> GRPC_REQUEST_MESSAGES = AttributeKey.longKey("connscope.grpc.request_messages");
    public static final AttributeKey<Long> GRPC_RESPONSE_MESSAGES = AttributeKey.longKey("connscope.grpc.response_messages");
    public static final AttributeKey<Long> WS_CLIENT_FRAMES = AttributeKey.longKey("connscope.websocket.client.frames");
    public static final AttributeKey<Long> WS_CLIENT_MESSAGES = AttributeKey.longKey("connscope.websocket.client.messages");
    public static final AttributeKey<Long> WS_CLIENT_PAYLOAD = AttributeKey.longKey("connscope.websocket.client.payload_bytes");
    public static final AttributeKey<Long> WS_SERVER_FRAMES = AttributeKey.longKey("connscope.websocket.server.frames");
    public static final AttributeKey<Long> WS_SERVER_MESSAGES = AttributeKey.longKey("connscope.websocket.server.messages");
    public static final AttributeKey<Long> WS_SERVER_PAYLOAD = AttributeKey.longKey("connscope.websocket.server.payload_bytes");
    public static final AttributeKey<Long> WS_FRAGMENTED = AttributeKey.longKey("connscope.websocket.fragmented_messages");
    public static final AttributeKey<Long> WS_PINGS = AttributeKey.longKey("connscope.websocket.pings");
    public static final AttributeKey<Long> WS_PONGS = AttributeKey.longKey("connscope.websocket.pongs");
    public static final AttributeKey<Long> WS_PING_ROUND_TRIPS = AttributeKey.longKey("connscope.websocket.ping.round_trips");
    public static final AttributeKey<Double> WS_PING_RTT_MAX = AttributeKey.doubleKey("connscope.websocket.ping.rtt_max_ms");
    public static final AttributeKey<String> WS_CLOSE_INITIATOR = AttributeKey.stringKey("connscope.websocket.close.initiator");
    public static final AttributeKey<Long> WS_CLOSE_CODE = AttributeKey.longKey("connscope.websocket.close.code");
    public static final AttributeKey<Long> WS_CLOSE_REASON_LENGTH = AttributeKey.longKey("connscope.websocket.close.reason_length");
    public static final AttributeKey<String> WS_CLOSE_OUTCOME = AttributeKey.stringKey("connscope.websocket.close.outcome");
    public static final AttributeKey<Boolean> WS_CLOSE_ANSWERED = AttributeKey.booleanKey("connscope.websocket.close.answered");
    public static final AttributeKey<Double> WS_CLOSE_HANDSHAKE = AttributeKey.doubleKey("connscope.websocket.close.handshake_ms");
    public static final AttributeKey<String> WS_TCP_CLOSED_FIRST = AttributeKey.stringKey("connscope.websocket.tcp_closed_first_by");
    public static final AttributeKey<Boolean> WS_ACCEPT_VALID = AttributeKey.booleanKey("connscope.websocket.accept_valid");
    public static final AttributeKey<String> WS_VIOLATION = AttributeKey.stringKey("connscope.websocket.violation");

    private Semconv() {
    }
}
