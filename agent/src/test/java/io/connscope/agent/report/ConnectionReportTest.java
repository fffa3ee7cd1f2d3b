package io.connscope.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.diagnose.WarningLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionReportTest {

    @Test
    void rowsCarryTheExactTotalsPerDestination() {
        Destinations destinations = new Destinations(10);
        Destination api = destinations.of(Role.CLIENT, "api.example.com", 443);
        for (int i = 0; i < 3; i++) {
            ConnectionRecord r = new ConnectionRecord(i, Role.CLIENT, "socket", api, 0L);
            r.onWrite(100, 1L);
            r.onRead(250, 2L);
            TestRecords.noDelay(r, i > 0);
            r.events().add(ConnectionEvent.CLOSE);
            api.stats.opened.incrementAndGet();
            api.stats.connectTime.record(2_000_000L);
            api.stats.addEnded(r, r.classification());
        }
        api.stats.httpRequests.set(6);
        api.stats.httpResponses.set(6);
        api.stats.httpConnections.set(3);
        Destination listening = destinations.of(Role.SERVER, null, 8080);
        listening.stats.opened.incrementAndGet();
        WarningLog warnings = new WarningLog(10, 1);
        Warning w = new Warning("slow-setup", Severity.WARN, "it took 900 ms", "reuse connections");
        warnings.add(api, w, 0);
        warnings.add(api, w, 1);

        String text = ConnectionReport.render(destinations, warnings.groups(), List.of("a note"));

        assertThat(text).contains("4 connection(s), 2 destination(s)");
        assertThat(text).containsPattern("(?m)^  api\\.example\\.com:443 +3 +0 +300 +750 +2\\.\\d\\d/2\\.\\d\\d ms +- +- +2/1"
            + " +6/6 +50% +2  local-close 3$");
        assertThat(text).containsPattern("(?m)^  :8080 +1 +0 +0 +0 +- +- +- +0/0 +- +- +0  -$");
        assertThat(text).contains("  WARN slow-setup at api.example.com:443, 2 time(s) (1 beyond the rate limit not exported)\n"
            + "       first: it took 900 ms\n       fix:   reuse connections\n");
        assertThat(text).contains("  - a note");
        assertThat(CloseClassification.LOCAL_CLOSE.label()).isEqualTo("local-close");
    }

    @Test
    void destinationsBeyondTheLimitAreFoldedAndSaidSo() {
        Destinations destinations = new Destinations(1);
        destinations.of(Role.CLIENT, "a", 1).stats.opened.incrementAndGet();
        Destination overflow = destinations.of(Role.CLIENT, "b", 2);
        overflow.stats.opened.incrementAndGet();
        assertThat(overflow.serverAddress).isEqualTo(Destinations.OTHER);
        assertThat(destinations.overflowed()).isTrue();
        assertThat(ConnectionReport.render(destinations, List.of())).containsPattern("(?m)^  \\(other\\) +1 ");
    }

    /** The worst the default limits allow: every string as long as it may be, and full of escapes. */
    @Test
    void theReportStaysWithinItsBoundAndCarriesNoControlCharacter() {
        Destinations destinations = new Destinations(1000);
        WarningLog warnings = new WarningLog(200, 10);
        String hostile = "\u001b[2J\r\n  WARN injected-line\u0007".repeat(40);
        for (int i = 0; i < 1100; i++) {
            Destination d = destinations.of(i % 2 == 0 ? Role.CLIENT : Role.SERVER, hostile + i, 1 + i);
            d.stats.opened.addAndGet(123_456_789);
            for (CloseClassification c : CloseClassification.values()) {
                d.stats.closes.addAndGet(c.ordinal(), 123_456_789);
            }
            warnings.add(d, new Warning("rule-" + i % 7, Severity.WARN, hostile.repeat(5), "fix it"), i);
        }
        List<String> notes = List.of(hostile.repeat(10), "note\u001b]0;title\u0007");
        String text = ConnectionReport.render(destinations, warnings.groups(), notes);
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThan(ConnectionReport.MAX_BYTES);
        assertThat(text).doesNotContainPattern("[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]");
        assertThat(text).doesNotContain("\n  WARN injected-line");
        // every destination row fits; the warnings are cut at their share, and say so
        assertThat(text).doesNotContain("more destinations not listed").contains("  (other) ")
            .contains("more warning groups not listed: the text report stays under 512 KiB")
            .contains("==== end of connscope report ====");
        assertThat(text.lines().mapToInt(String::length).max().getAsInt()).isLessThan(1100);
    }
}
