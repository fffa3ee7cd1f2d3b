package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import org.junit.jupiter.api.Test;

/** When a connection is taken for HTTP/2, and when it is not. */
class Http2DetectionTest {

    private static HttpConnection feed(byte[] requests, byte[] responses) {
        HttpConnection http = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        http.feed(true, requests, 0, requests.length);
        http.feed(false, responses, 0, responses.length);
        return http;
    }

    private static final byte[] SERVER_SETTINGS = H2Wire.frame(H2Wire.SETTINGS, 0, 0,
        H2Wire.setting(H2Wire.MAX_CONCURRENT_STREAMS, 10));

    @Test
    void theClientPrefaceMakesIt() {
        HttpConnection http = feed(H2Wire.PREFACE, new byte[0]);
        assertThat(http.http2()).isNotNull();
        assertThat(http.http2().detectedBy()).isEqualTo(Http2Session.PRIOR_KNOWLEDGE);
        assertThat(http.version()).isEqualTo("2");
    }

    @Test
    void aServerWhoseFirstBytesAreSettingsIsTakenAtItsWordBeforeThePrefaceIsSeen() {
        HttpConnection http = feed(new byte[0], SERVER_SETTINGS);
        assertThat(http.http2()).isNotNull();
        assertThat(http.http2().server().maxConcurrentStreams()).isEqualTo(10);
    }

    @Test
    void bytesThatMerelyStartWithZeroAreNotHttp2() {
        HttpConnection zeros = feed(new byte[0], new byte[200]);
        assertThat(zeros.http2()).isNull();
        assertThat(zeros.seenHttp()).isFalse();
        byte[] otherFrame = SERVER_SETTINGS.clone();
        otherFrame[3] = (byte) H2Wire.DATA;
        assertThat(feed(new byte[0], otherFrame).http2()).isNull();
        byte[] onAStream = SERVER_SETTINGS.clone();
        onAStream[8] = 1;
        assertThat(feed(new byte[0], onAStream).http2()).isNull();
        assertThat(feed(new byte[0], new byte[] {0, 0, 6, 4}).http2()).as("too short to tell").isNull();
    }

    @Test
    void aPrefaceAfterAnHttp1RequestThatDidNotAskForH2cIsStillTakenAsHttp2() {
        byte[] get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] both = H2Wire.concat(get, H2Wire.PREFACE);
        assertThat(feed(both, new byte[0]).http2()).isNotNull();
    }
}
