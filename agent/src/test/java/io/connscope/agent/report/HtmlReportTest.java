package io.connscope.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.pipeline.ConnectionEnded;
import io.connscope.agent.pipeline.ExchangeFinished;
import io.connscope.agent.resp.RespProtocol;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireAnalyser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private final Destinations destinations = new Destinations(10);
    private final Destination api = destinations.of(Role.CLIENT, "api", 443);

    private ConnectionRecord ended(long id) {
        ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", api, id);
        TestRecords.connectEndNanos(r, id + 1);
        r.events().add(ConnectionEvent.CONNECT);
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(id + 2);
        return r;
    }

    @Test
    void theWaterfallKeepsTheFirstThousandConnectionsAndSaysHowManyMore() {
        Timeline timeline = new Timeline();
        for (long id = 1; id <= Timeline.MAX_CONNECTIONS + 5; id++) {
            timeline.connectionEnded(new ConnectionEnded(ended(id), List.of()));
        }
        assertThat(timeline.connections()).hasSize(Timeline.MAX_CONNECTIONS);
        assertThat(timeline.omittedConnections()).isEqualTo(5);
        String html = HtmlReport.render(destinations, List.of(), List.of(), timeline);
        assertThat(html).contains("\"omittedConnections\":5");
    }

    @Test
    void openConnectionsBeyondTheBoundHoldNoExchanges() {
        Timeline timeline = new Timeline();
        List<ConnectionRecord> open = new ArrayList<>();
        for (long id = 1; id <= Timeline.MAX_CONNECTIONS + 5; id++) {
            ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", api, id);
            TestRecords.http(r, new HttpConnection(e -> timeline.exchangeFinished(new ExchangeFinished(r, e, List.of())), AnalysisMemory.unlimited().lease()));
            byte[] request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            r.http().feed(true, request, 0, request.length);
            r.http().feed(false, response, 0, response.length);
            open.add(r);
        }
        // A place per connection from its first exchange, up to the bound; the rest are counted, not held.
        assertThat(timeline.omittedExchanges()).isEqualTo(5);
        ConnectionRecord beyond = open.get(Timeline.MAX_CONNECTIONS);
        beyond.finish(beyond.openNanos() + 10);
        timeline.connectionEnded(new ConnectionEnded(beyond, List.of()));
        ConnectionRecord first = open.get(0);
        first.finish(first.openNanos() + 10);
        timeline.connectionEnded(new ConnectionEnded(first, List.of()));
        assertThat(timeline.connections()).hasSize(1);
        assertThat(timeline.omittedConnections()).isEqualTo(1);
    }

    @Test
    void noValueCanEndTheScriptItIsWrittenInto() {
        WarningLog warnings = new WarningLog(10, 10);
        warnings.add(api, new Warning("r", Severity.WARN, "</script><script>alert(1)</script>", "a & b"), 0);
        String html = HtmlReport.render(destinations, warnings.groups(), List.of("<b>note</b>"), new Timeline());
        String data = html.substring(html.indexOf("id=\"connscope-data\">"), html.indexOf("</script>"));
        assertThat(data).doesNotContain("<script>").doesNotContain("<b>").doesNotContain(" & ")
            .contains("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)").contains("a \\u0026 b");
        // One data block, then the page's own script, and nothing else.
        assertThat(html.split("</script>", -1)).hasSize(3);
    }

    /** An exchange of another protocol is drawn as what every protocol tells: a Redis command, named with its protocol. */
    @Test
    void aRedisCommandIsDrawnWithItsProtocolAndError() {
        Timeline timeline = new Timeline();
        ConnectionRecord r = new ConnectionRecord(1, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "cache", 6379), 1);
        WireAnalyser resp = new RespProtocol().start(e -> timeline.exchangeFinished(new ExchangeFinished(r, e, List.of())),
            AnalysisMemory.unlimited().lease());
        byte[] command = "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] reply = "-WRONGTYPE no\r\n".getBytes(StandardCharsets.US_ASCII);
        resp.feed(true, command, 0, command.length);
        resp.feed(false, reply, 0, reply.length);
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(10);
        timeline.connectionEnded(new ConnectionEnded(r, List.of()));
        String html = HtmlReport.render(destinations, new WarningLog(10, 10).groups(), List.of(), timeline);
        String data = html.substring(html.indexOf("id=\"connscope-data\">"), html.indexOf("</script>"));
        assertThat(data).contains("\"index\":1,\"protocol\":\"resp\",\"method\":\"INCR\",\"path\":\"\",\"status\":0")
            .contains("\"failure\":\"WRONGTYPE\"");
    }

    @Test
    void thePageStaysWithinItsBoundWhateverItDraws() {
        Destinations many = new Destinations(1000);
        WarningLog warnings = new WarningLog(200, 10);
        // escapes, and characters that take six bytes each in the page's data (<, >, & and non-ASCII)
        String hostile = "\u001b[2J\u00e9\u2028<<>>&&".repeat(100);
        Timeline timeline = new Timeline();
        for (long id = 1; id <= Timeline.MAX_CONNECTIONS; id++) {
            Destination d = many.of(Role.CLIENT, id + hostile, 443);
            warnings.add(d, new Warning("r" + id % 7, Severity.WARN, hostile.repeat(4), "a fix"), 0);
            ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", d, id);
            TestRecords.http(r, new HttpConnection(e -> timeline.exchangeFinished(new ExchangeFinished(r, e, List.of())),
                AnalysisMemory.unlimited().lease()));
            for (int k = 0; k < 5; k++) {
                byte[] request = ("GET /" + hostile + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                r.http().feed(true, request, 0, request.length);
                r.http().feed(false, response, 0, response.length);
            }
            r.events().add(ConnectionEvent.CLOSE);
            r.finish(id + 10);
            timeline.connectionEnded(new ConnectionEnded(r, List.of()));
        }
        String html = HtmlReport.render(many, warnings.groups(), List.of(hostile), timeline);
        assertThat(html.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(HtmlReport.MAX_BYTES);
        String data = html.substring(html.indexOf("id=\"connscope-data\">"), html.indexOf("</script>"));
        assertThat(data).containsPattern("\"omittedConnections\":[1-9]")
            .contains("exchange(s) are not drawn in the waterfall").doesNotContain("\u001b")
            .containsPattern("\\d+ destination row\\(s\\) and [1-9]\\d* warning group\\(s\\) are not listed here");
    }
}
