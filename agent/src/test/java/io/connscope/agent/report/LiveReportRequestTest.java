package io.connscope.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.report.LiveReportRequest.Answer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiveReportRequestTest {

    private static Answer answer(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        return LiveReportRequest.answer(b, b.length, "127.0.0.1", 7070);
    }

    @Test
    void theReportGoesOnlyToRequestsThatNameThisServer() {
        assertThat(answer("GET / HTTP/1.1\r\nHost: 127.0.0.1:7070\r\n\r\n")).isEqualTo(Answer.HTML);
        assertThat(answer("GET /report.txt HTTP/1.1\r\nhost: LOCALHOST:7070\r\n\r\n")).isEqualTo(Answer.TEXT);
        assertThat(answer("GET /api/report.json HTTP/1.1\r\nHost: 127.0.0.1:7070\r\nSec-Fetch-Site: same-origin\r\n\r\n"))
            .isEqualTo(Answer.JSON);
        assertThat(answer("GET /api/report.json HTTP/1.1\r\nHost: evil.example:7070\r\n\r\n")).isEqualTo(Answer.FORBIDDEN);
        assertThat(answer("GET /?x=1 HTTP/1.1\r\nHost: localhost:7070\r\nOrigin: http://localhost:7070\r\n\r\n"))
            .isEqualTo(Answer.HTML);
        // DNS rebinding: the browser names the attacker's host
        assertThat(answer("GET / HTTP/1.1\r\nHost: evil.example:7070\r\n\r\n")).isEqualTo(Answer.FORBIDDEN);
        assertThat(answer("GET / HTTP/1.1\r\nHost: 127.0.0.1:7071\r\n\r\n")).isEqualTo(Answer.FORBIDDEN);
        assertThat(answer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).isEqualTo(Answer.FORBIDDEN);
        assertThat(answer("GET / HTTP/1.1\r\nHost: 127.0.0.1:7070\r\nOrigin: http://evil.example\r\n\r\n"))
            .isEqualTo(Answer.FORBIDDEN);
        assertThat(answer("GET / HTTP/1.1\r\nHost: 127.0.0.1:7070\r\nOrigin: null\r\n\r\n")).isEqualTo(Answer.FORBIDDEN);
        assertThat(answer("GET / HTTP/1.1\r\nHost: 127.0.0.1:7070\r\nSec-Fetch-Site: cross-site\r\n\r\n"))
            .isEqualTo(Answer.FORBIDDEN);
    }

    @Test
    void otherRequestsGetTheirStatus() {
        assertThat(answer("GET / HTTP/1.0\r\n\r\n")).isEqualTo(Answer.BAD_REQUEST);
        assertThat(answer("GET / HTTP/1.1\r\nHost: 127.0.0.1:7070\r\nHost: 127.0.0.1:7070\r\n\r\n"))
            .isEqualTo(Answer.BAD_REQUEST);
        assertThat(answer("garbage\r\n\r\n")).isEqualTo(Answer.BAD_REQUEST);
        assertThat(answer("POST / HTTP/1.1\r\nHost: 127.0.0.1:7070\r\n\r\n")).isEqualTo(Answer.METHOD_NOT_ALLOWED);
        assertThat(answer("GET /missing HTTP/1.1\r\nHost: 127.0.0.1:7070\r\n\r\n")).isEqualTo(Answer.NOT_FOUND);
    }
}
