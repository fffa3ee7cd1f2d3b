package io.connscope.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.diagnose.WarningLog;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private final Destinations destinations = new Destinations(10);
    private final Destination api = destinations.of(Role.CLIENT, "api", 443);

    private ConnectionRecord ended(long id) {
        ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", api, id);
        r.connectEndNanos = id + 1;
        r.events.add(ConnectionEvent.CONNECT);
        r.events.add(ConnectionEvent.CLOSE);
        r.finish(id + 2);
        return r;
    }

    @Test
    void theWaterfallKeepsTheFirstThousandConnectionsAndSaysHowManyMore() {
        Timeline timeline = new Timeline();
        for (long id = 1; id <= Timeline.MAX_CONNECTIONS + 5; id++) {
            timeline.connection(ended(id), List.of());
        }
        assertThat(timeline.connections()).hasSize(Timeline.MAX_CONNECTIONS);
        assertThat(timeline.omittedConnections()).isEqualTo(5);
        String html = HtmlReport.render(destinations, List.of(), List.of(), timeline);
        assertThat(html).contains("\"limit\":1000,\"omittedConnections\":5");
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
}
