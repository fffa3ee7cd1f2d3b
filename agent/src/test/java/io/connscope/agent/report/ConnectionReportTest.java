package io.connscope.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.NameTable;
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

        String text = ConnectionReport.render(destinations, warnings.groups(), List.of("a note"), false, new NameTable());

        assertThat(text).contains("4 connection(s), 2 destination(s)\n"
            + "  connections   3 outbound to 1 destination(s), 1 inbound on 1 listening port(s)\n"
            + "  HTTP          outbound: 6 request(s), 6 response(s) on 3 connection(s), 50% of requests on a reused one\n"
            + "                inbound:  none\n");
        assertThat(text).containsPattern("(?m)^  api\\.example\\.com:443 +3 +0 +300 +750 +2\\.\\d\\d/2\\.\\d\\d +- +6/6"
            + " +50% +2  local-close 3$");
        assertThat(text).containsPattern("(?m)^  :8080 +1 +0 +0 +0 +- +- +- +- +0  -$");
        assertThat(text).contains("  WARN slow-setup at api.example.com:443, 2 time(s) (1 beyond the rate limit not exported)\n"
            + "       first: it took 900 ms\n       fix:   reuse connections\n");
        assertThat(text).contains("  - a note");
        // Every column, with units, in the wide report.
        String wide = ConnectionReport.render(destinations, warnings.groups(), List.of("a note"), true, new NameTable());
        assertThat(wide).containsPattern("(?m)^  api\\.example\\.com:443 +3 +0 +300 +750 +2\\.\\d\\d/2\\.\\d\\d ms +- +- +2/1"
            + " +6/6 +50% +2 +-  local-close 3$");
        assertThat(CloseClassification.LOCAL_CLOSE.label()).isEqualTo("local-close");
    }

    @Test
    void thePriceOfNewConnectionsIsInTheSummaryTheWideTableAndItsSection() {
        Destinations destinations = new Destinations(10);
        Destination api = destinations.of(Role.CLIENT, "api.example.com", 443);
        api.stats.opened.set(3);
        // Three requests, each on a new connection that paid 50 ms of setup (10 ms connect, 40 ms TLS) before it and
        // was closed by the client right after; one open at a time: two a pool would have spared.
        api.stats.reuse.newExchanges.set(3);
        api.stats.reuse.newTotalNanos.set(3 * 90_000_000L);
        api.stats.reuse.newSetupNanos.set(3 * 50_000_000L);
        api.stats.reuse.newConnectNanos.set(3 * 10_000_000L);
        api.stats.reuse.newTlsNanos.set(3 * 40_000_000L);
        api.stats.reuse.newFirstByteNanos.set(3 * 39_000_000L);
        api.stats.reuse.newTransferNanos.set(3 * 1_000_000L);
        api.stats.reuse.peakOpen.set(1);
        api.stats.reuse.avoidableConnections.set(3);

        String text = ConnectionReport.render(destinations, List.of(), List.of(), false, new NameTable());
        assertThat(text).contains("  reuse price   api.example.com:443: reusing connections would have saved at least 50 ms"
            + " per request, 100 ms in all (2\n                of 3 new connections avoidable)\n");
        assertThat(text).contains("\nPrice of new connections, by destination (HTTP, outbound)\n"
            + "  api.example.com:443: reusing connections would have saved at least 50 ms per request, 100 ms in all (2 of 3 new\n"
            + "      connections avoidable). A new connection paid 50 ms before its request (connect 10 ms, TLS 40 ms; 150 ms in all\n"
            + "      over 3 new connections: connect 30 ms, TLS 120 ms); 3 closed by the client right after their one request, 1 open\n"
            + "      at once at most. Requests on new connections took 90 ms from the connect's start (first byte 39 ms after the\n"
            + "      request, transfer 1.0 ms), none went on a reused one.\n");
        String wide = ConnectionReport.render(destinations, List.of(), List.of(), true, new NameTable());
        assertThat(wide).containsPattern("(?m)^  api\\.example\\.com:443 .* 50 ms/req, 100 ms  -$");
    }

    /**
     * The order a reader needs: the summary, the warnings most harmful first (a request processed twice
     * before a missed keep-alive, whatever the alphabet says), then the tables; a fix given at several
     * destinations is printed once; nothing wider than 120 columns, even an event sequence with no space.
     */
    @Test
    void summaryFirstThenWarningsByImpactThenTablesWithinOneHundredTwentyColumns() {
        Destinations destinations = new Destinations(10);
        Destination a = destinations.of(Role.CLIENT, "a.example", 80);
        Destination b = destinations.of(Role.CLIENT, "b.example", 80);
        a.stats.opened.addAndGet(5);
        b.stats.opened.addAndGet(2);
        WarningLog warnings = new WarningLog(10, 10);
        String sequence = "(" + "connect,first-write,first-read,".repeat(6) + "close)";
        warnings.add(a, new Warning("connection-churn", Severity.WARN, "many connections", "reuse them"), 0);
        warnings.add(a, new Warning("unsafe-resend", Severity.WARN, "POST /orders sent twice " + sequence,
            "send an Idempotency-Key ".repeat(8)), 0);
        warnings.add(b, new Warning("unsafe-resend", Severity.WARN, "POST /pay sent twice", "send an Idempotency-Key ".repeat(8)),
            0);
        warnings.add(b, new Warning("tcp-nodelay-late", Severity.INFO, "late", "set it first"), 0);

        String text = ConnectionReport.render(destinations, warnings.groups(), List.of("a note that goes on ".repeat(20)), false, new NameTable());

        assertThat(text.lines().mapToInt(String::length).max().getAsInt()).isLessThanOrEqualTo(120);
        assertThat(text).contains("  warnings      4 in 3 rule(s): 3 WARN, 1 INFO; most harmful first, each listed below\n"
            + "    lost or duplicated data  WARN unsafe-resend 2\n"
            + "    added latency            INFO tcp-nodelay-late 1\n"
            + "    wasted connections       WARN connection-churn 1\n");
        int summary = text.indexOf("  warnings      ");
        int resendAtA = text.indexOf("  WARN unsafe-resend at a.example:80, 1 time(s)\n");
        int resendAtB = text.indexOf("  WARN unsafe-resend at b.example:80, 1 time(s)\n");
        int late = text.indexOf("  INFO tcp-nodelay-late at b.example:80");
        int churn = text.indexOf("  WARN connection-churn at a.example:80");
        int table = text.indexOf("Outbound connections, by destination");
        assertThat(summary).isPositive();
        assertThat(List.of(summary, resendAtA, resendAtB, late, churn, table)).isSorted();
        assertThat(text.substring(resendAtA)).startsWith("  WARN unsafe-resend at a.example:80, 1 time(s)\n"
            + "       first: POST /orders sent twice (connect,first-write,first-read,connect,first-write,first-read,connect,\n"
            + "              first-write,first-read,connect,first-write,first-read,connect,first-write,first-read,connect,first-write,\n"
            + "              first-read,close)\n");
        assertThat(text.split("fix:   send an Idempotency-Key", -1)).as("the fix printed once").hasSize(2);
        assertThat(text).contains("       fix:   as for unsafe-resend at a.example:80 above\n");
        assertThat(text.replaceAll(",\n +", ",")).contains("(" + "connect,first-write,first-read,".repeat(6) + "close)");
        // The wide report keeps each entry on one line.
        String wide = ConnectionReport.render(destinations, warnings.groups(), List.of(), true, new NameTable());
        assertThat(wide).contains("first: POST /orders sent twice " + sequence + "\n");
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
        String text = ConnectionReport.render(destinations, warnings.groups(), notes, false, new NameTable());
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThan(ConnectionReport.MAX_BYTES);
        assertThat(text).doesNotContainPattern("[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]");
        assertThat(text).doesNotContain("\n  WARN injected-line");
        // every destination row fits; the warnings are cut at their share, and say so
        assertThat(text).doesNotContain("more destinations not listed").contains("  (other) ")
            .contains("more warning groups not listed: the text report stays under 1024 KiB")
            .contains("==== end of connscope report ====");
        assertThat(text.lines().mapToInt(String::length).max().getAsInt()).isLessThan(1100);
    }
}
