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

    /** The latest connections, and those with a warning however old: a long run shows its end and what went wrong. */
    @Test
    void thePanelKeepsTheLatestConnectionsAndEveryWarnedOneAndSaysHowManyMore() {
        Timeline timeline = new Timeline(100);
        Warning w = new Warning("abortive-close", Severity.WARN, "e", "f");
        for (long id = 1; id <= 130; id++) {
            timeline.connectionEnded(new ConnectionEnded(ended(id), id <= 3 ? List.of(w) : List.of()));
        }
        assertThat(timeline.connections()).extracting(c -> c.id).hasSize(103)
            .contains(1L, 2L, 3L, 31L, 130L).doesNotContain(4L, 30L);
        assertThat(timeline.omittedConnections()).isEqualTo(27);
        String html = HtmlReport.render(destinations, List.of(), List.of(), timeline);
        assertThat(html).contains("\"omittedConnections\":27")
            .contains("27 connection(s) are counted in the tables but not drawn: the panel keeps the latest connections and"
                + " those with a warning, 125 at most (connscope.report.connections)");
        // Warned ones have their own ring, a quarter of the size: the oldest of them go first.
        for (long id = 200; id < 230; id++) {
            timeline.connectionEnded(new ConnectionEnded(ended(id), List.of(w)));
        }
        assertThat(timeline.connections()).extracting(c -> c.id).hasSize(125).doesNotContain(1L, 2L, 3L, 200L, 204L)
            .contains(205L, 229L, 130L);
    }

    /** Exchanges are held up to as many as connections: the oldest connections give theirs up to the newest. */
    @Test
    void openConnectionsHoldExchangesWithinTheBoundAndTheOldestGiveWay() {
        Timeline timeline = new Timeline(8);
        List<ConnectionRecord> open = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", api, id);
            TestRecords.http(r, new HttpConnection(e -> timeline.exchangeFinished(new ExchangeFinished(r, e, List.of())),
                AnalysisMemory.unlimited().lease()));
            for (int k = 0; k < 4; k++) {
                exchange(r);
            }
            open.add(r);
        }
        // A place for 8 / 4 = 2 open connections; the third's exchanges are counted, not held.
        assertThat(timeline.omittedExchanges()).isEqualTo(4);
        for (ConnectionRecord r : open) {
            r.finish(r.openNanos() + 10);
            timeline.connectionEnded(new ConnectionEnded(r, List.of()));
        }
        assertThat(timeline.connections()).extracting(c -> c.exchanges.size()).containsExactly(4, 4, 0);
        // Exchanges of a new connection take the place of the oldest connection's.
        ConnectionRecord next = new ConnectionRecord(9, Role.CLIENT, "socket", api, 9);
        TestRecords.http(next, new HttpConnection(e -> timeline.exchangeFinished(new ExchangeFinished(next, e, List.of())),
            AnalysisMemory.unlimited().lease()));
        exchange(next);
        assertThat(timeline.connections()).extracting(c -> c.id).containsExactly(2L, 3L);
        assertThat(timeline.omittedConnections()).isEqualTo(1);
    }

    private static void exchange(ConnectionRecord r) {
        byte[] request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        r.http().feed(true, request, 0, request.length);
        r.http().feed(false, response, 0, response.length);
    }

    @Test
    void noValueCanEndTheScriptItIsWrittenInto() {
        WarningLog warnings = new WarningLog(10, 10);
        warnings.add(api, new Warning("r", Severity.WARN, "</script><script>alert(1)</script>", "a & b"), 0);
        String html = HtmlReport.render(destinations, warnings.groups(), List.of("<b>note</b>"), new Timeline(10));
        String data = html.substring(html.indexOf("id=\"connscope-data\">"), html.indexOf("</script>"));
        assertThat(data).doesNotContain("<script>").doesNotContain("<b>").doesNotContain(" & ")
            .contains("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)").contains("a \\u0026 b");
        // One data block, then the page's own script, and nothing else.
        assertThat(html.split("</script>", -1)).hasSize(3);
    }

    /** An exchange of another protocol is drawn as what every protocol tells: a Redis command, named with its protocol. */
    @Test
    void aRedisCommandIsDrawnWithItsProtocolAndError() {
        Timeline timeline = new Timeline(10);
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
        // strings: the role, destination, API, classification, sequence, then the exchange's protocol, method, failure
        assertThat(data).contains("\"strings\":[\"client\",\"cache:6379\",\"socket\",\"local-close\",\"close\",\"resp\",\"INCR\","
            + "\"WRONGTYPE\"]").contains(",[[1,5,6,\"\",0,");
        assertThat(data).containsPattern(",\\[\\[1,5,6,\"\",0,[\\d.E]+,[\\d.E]+,[\\d.E]+,[\\d.E]+,7,\\[\\]\\]\\]\\]");
    }

    /** The data stays within its budget whatever it holds; the warned and the latest connections are the ones kept. */
    @Test
    void theDataStaysWithinItsBoundWhateverItDraws() {
        Destinations many = new Destinations(1000);
        WarningLog warnings = new WarningLog(200, 10);
        // escapes, and characters that take six bytes each in the page's data (<, >, & and non-ASCII)
        String hostile = "\u001b[2J\u00e9\u2028<<>>&&".repeat(100);
        Timeline timeline = new Timeline(1000);
        for (long id = 1; id <= 1000; id++) {
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
            timeline.connectionEnded(new ConnectionEnded(r, id == 7 ? List.of(new Warning("abortive-close", Severity.WARN,
                "e", "f")) : List.of()));
        }
        int budget = 1024 * 1024;
        String data = ReportData.json(many, warnings.groups(), List.of(hostile), timeline, budget, false);
        assertThat(data.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(budget);
        assertThat(data).containsPattern("\"omittedConnections\":[1-9]")
            .contains("exchange(s) are not drawn").doesNotContain("\u001b")
            .containsPattern("\\d+ destination row\\(s\\) and [1-9]\\d* warning group\\(s\\) are not listed here");
        // The warned connection 7 and the latest, 1000, are drawn; the first, 1, is not.
        List<Long> drawn = new ArrayList<>();
        // a connection is [id, role, destination, api, open, ...], all numbers; an exchange's fourth field is its path
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[\\[,]\\[(\\d+),\\d+,\\d+,\\d+,[\\d.]+,").matcher(data);
        while (m.find()) {
            drawn.add(Long.parseLong(m.group(1)));
        }
        assertThat(drawn).contains(7L, 1000L).doesNotContain(1L).isSorted();
        // The whole page has its own bound, which 1,000 such connections do not reach.
        String html = HtmlReport.render(many, warnings.groups(), List.of(hostile), timeline);
        assertThat(html.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(HtmlReport.MAX_BYTES);
    }
}
