package io.connscope.agent.export;

import static io.connscope.agent.export.Semconv.HTTP2_CONCURRENT_MAX;
import static io.connscope.agent.export.Semconv.HTTP2_DETECTED_BY;
import static io.connscope.agent.export.Semconv.HTTP2_FRAMING_FAILURE;
import static io.connscope.agent.export.Semconv.HTTP2_GOAWAY_BY;
import static io.connscope.agent.export.Semconv.HTTP2_GOAWAY_CODE;
import static io.connscope.agent.export.Semconv.HTTP2_GOAWAY_DEBUG;
import static io.connscope.agent.export.Semconv.HTTP2_GOAWAY_ERROR;
import static io.connscope.agent.export.Semconv.HTTP2_GOAWAY_LAST_STREAM;
import static io.connscope.agent.export.Semconv.HTTP2_HPACK_FAILURE;
import static io.connscope.agent.export.Semconv.HTTP2_NOT_FOLLOWED;
import static io.connscope.agent.export.Semconv.HTTP2_PUSH_PROMISES;
import static io.connscope.agent.export.Semconv.HTTP2_STREAMS;

import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.http.Http2Goaway;
import io.connscope.agent.http.Http2ErrorCodes;
import io.connscope.agent.http.Http2FlowControl;
import io.connscope.agent.http.Http2Session;
import io.connscope.agent.http.Http2Side;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

/** What an HTTP/2 connection said, as attributes of its connection span. */
final class Http2Attributes {

    private Http2Attributes() {
    }

    static Attributes of(Http2Session s, TlsInfo tls) {
        AttributesBuilder b = Attributes.builder()
            .put(HTTP2_DETECTED_BY, tls != null && "h2".equals(tls.alpn) ? "alpn" : s.detectedBy())
            .put(HTTP2_STREAMS, s.streamsOpened())
            .put(HTTP2_CONCURRENT_MAX, s.peakConcurrentStreams());
        side(b, "client", s.client(), s.flow().client());
        side(b, "server", s.server(), s.flow().server());
        if (s.pushPromises() > 0) {
            b.put(HTTP2_PUSH_PROMISES, s.pushPromises());
        }
        if (s.streamsNotFollowed() > 0) {
            b.put(HTTP2_NOT_FOLLOWED, s.streamsNotFollowed());
        }
        Http2Goaway goaway = s.goaway();
        if (goaway.by() != null) {
            b.put(HTTP2_GOAWAY_BY, goaway.by()).put(HTTP2_GOAWAY_LAST_STREAM, goaway.lastStreamId())
                .put(HTTP2_GOAWAY_CODE, goaway.errorCode()).put(HTTP2_GOAWAY_ERROR, Http2ErrorCodes.name(goaway.errorCode()));
            if (goaway.debug() != null) {
                b.put(HTTP2_GOAWAY_DEBUG, goaway.debug());
            }
        }
        if (s.hpackFailure() != null) {
            b.put(HTTP2_HPACK_FAILURE, s.hpackFailure());
        }
        if (s.framingFailure() != null) {
            b.put(HTTP2_FRAMING_FAILURE, s.framingFailure());
        }
        return b.build();
    }

    /**
     * connscope.http2.{client,server}.*: the SETTINGS this end sent, its RST_STREAM and PING frames, the
     * round trips of its PINGs, its DATA and its waits for flow-control windows.
     */
    private static void side(AttributesBuilder b, String end, Http2Side side, Http2FlowControl.Sender flow) {
        String prefix = "connscope.http2." + end + ".";
        setting(b, prefix + "max_concurrent_streams", side.maxConcurrentStreams());
        setting(b, prefix + "initial_window_size", side.initialWindowSize());
        setting(b, prefix + "max_frame_size", side.maxFrameSize());
        setting(b, prefix + "header_table_size", side.headerTableSize());
        b.put(AttributeKey.longKey(prefix + "rst_streams"), side.resets());
        b.put(AttributeKey.longKey(prefix + "pings"), side.pings());
        if (side.rapidResets() > 0) {
            b.put(AttributeKey.longKey(prefix + "rst_streams_rapid"), side.rapidResets());
        }
        if (flow.roundTrips() > 0) {
            b.put(AttributeKey.longKey(prefix + "ping.round_trips"), flow.roundTrips())
                .put(AttributeKey.doubleKey(prefix + "ping.rtt_min_ms"), flow.rttMinNanos() / 1e6)
                .put(AttributeKey.doubleKey(prefix + "ping.rtt_max_ms"), flow.rttMaxNanos() / 1e6);
        }
        b.put(AttributeKey.longKey(prefix + "data_bytes"), flow.dataBytes());
        if (flow.waits() > 0) {
            b.put(AttributeKey.longKey(prefix + "flow_control.waits"), flow.waits())
                .put(AttributeKey.doubleKey(prefix + "flow_control.waited_ms"), flow.waitedNanos() / 1e6)
                .put(AttributeKey.doubleKey(prefix + "flow_control.longest_wait_ms"), flow.longestWaitNanos() / 1e6);
        }
    }

    private static void setting(AttributesBuilder b, String key, long value) {
        if (value >= 0) {
            b.put(AttributeKey.longKey(key), value);
        }
    }
}
