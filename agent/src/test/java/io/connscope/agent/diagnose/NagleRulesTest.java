package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.NagleBand;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * When {@code nagle-delayed-ack} and {@code peer-nagle-delayed-ack} may claim a stall: only where an
 * answer is expected, inside the delayed-ACK band, repeatedly, and not when requests written at once
 * were answered as late.
 */
class NagleRulesTest {

    private static final long MS = 1_000_000L;

    private final Destinations destinations = new Destinations(10);
    private final Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(100, 1000));
    private long clock = 10 * MS;

    private ConnectionRecord connection(Role role) {
        return connection(role, NagleBand.DEFAULT);
    }

    private ConnectionRecord connection(Role role, NagleBand band) {
        ConnectionRecord r = new ConnectionRecord(1, role, "socket",
            destinations.of(role, role == Role.CLIENT ? "api" : null, 8080), 0L, band);
        TestRecords.connectEndNanos(r, MS);
        r.events().add(role == Role.CLIENT ? ConnectionEvent.CONNECT : ConnectionEvent.ACCEPT);
        return r;
    }

    /** One exchange: the request in {@code writes}, answered {@code waitMs} after the last, then the next comes 5 ms later. */
    private void exchange(ConnectionRecord r, double waitMs, int... writes) {
        for (int w : writes) {
            r.onWrite(w, clock);
        }
        clock += (long) (waitMs * MS);
        r.onRead(200, clock);
        clock += 5 * MS;
    }

    private List<Warning> check(ConnectionRecord r) {
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(clock);
        return diagnosis.check(r);
    }

    private List<String> rules(ConnectionRecord r) {
        return check(r).stream().map(w -> w.rule).collect(Collectors.toList());
    }

    @Test
    void splitRequestsAnsweredInTheBandAgainAndAgainWhileOneWriteRequestsAreFastAreTheStall() {
        ConnectionRecord r = connection(Role.CLIENT);
        exchange(r, 0.4, 20, 80); // quick-ACK at the start of a connection: no stall yet
        exchange(r, 41.2, 20, 80);
        exchange(r, 43.9, 20, 80);
        exchange(r, 42.0, 20, 80);
        exchange(r, 0.6, 100);
        exchange(r, 1.2, 100);
        List<Warning> warnings = check(r);
        assertThat(warnings).extracting(w -> w.rule).containsExactly("nagle-delayed-ack");
        assertThat(warnings.get(0).evidence).isEqualTo("on connection 1 with TCP_NODELAY off, 3 of 4 requests written in"
            + " several writes of at most 1460 bytes (the first: 20 + 80 = 100 bytes) were answered 41.2–43.9 ms after"
            + " their last write, within the delayed-ACK band (36–250 ms); 2 of the 2 written in one write were answered"
            + " within 1.2 ms.");
        assertThat(warnings.get(0).severity).isEqualTo(Severity.WARN);
    }

    @Test
    void withoutOneWriteRequestsTheEvidenceSaysThereIsNothingToCompareWith() {
        ConnectionRecord r = connection(Role.CLIENT);
        for (int i = 0; i < 5; i++) {
            exchange(r, 44, 20, 30, 50);
        }
        assertThat(check(r).get(0).evidence).contains("5 of 5 requests").contains("(the first: 20 + 30 + 50 = 100 bytes)")
            .contains("answered 44.0 ms after").endsWith("no request on this connection was written in one write to compare with.");
    }

    @Test
    void aStallSeenTwiceOrForAMinorityOfSplitRequestsIsNotClaimed() {
        ConnectionRecord twice = connection(Role.CLIENT);
        exchange(twice, 42, 20, 80);
        exchange(twice, 42, 20, 80);
        assertThat(rules(twice)).isEmpty();

        ConnectionRecord minority = connection(Role.CLIENT);
        for (int i = 0; i < 3; i++) {
            exchange(minority, 42, 20, 80);
        }
        for (int i = 0; i < 4; i++) {
            exchange(minority, 2, 20, 80);
        }
        assertThat(rules(minority)).isEmpty();
    }

    @Test
    void oneWriteRequestsAnsweredAsLateMeanASlowPeerNotAStall() {
        ConnectionRecord r = connection(Role.CLIENT);
        for (int i = 0; i < 4; i++) {
            exchange(r, 45, 20, 80);
            exchange(r, 44, 100);
        }
        assertThat(rules(r)).isEmpty();
    }

    @Test
    void waitsOutsideTheDelayedAckBandAreNotTheStall() {
        ConnectionRecord idle = connection(Role.CLIENT);
        for (int i = 0; i < 4; i++) {
            exchange(idle, 1_096, 20, 80); // a peer that answers when it pleases
        }
        ConnectionRecord quick = connection(Role.CLIENT);
        for (int i = 0; i < 4; i++) {
            exchange(quick, 30, 20, 80);
        }
        assertThat(rules(idle)).isEmpty();
        assertThat(rules(quick)).isEmpty();
    }

    @Test
    void noDelayOnALargeWriteOrTheServerSideIsNeverTheStall() {
        ConnectionRecord noDelay = connection(Role.CLIENT);
        noDelay.onNoDelay(true);
        ConnectionRecord large = connection(Role.CLIENT);
        // A server's read after its response is the client's next request, whenever that comes: no answer.
        ConnectionRecord server = connection(Role.SERVER);
        for (int i = 0; i < 4; i++) {
            exchange(noDelay, 42, 20, 80);
            exchange(large, 42, 100, 5000);
            exchange(server, 42, 20, 80);
        }
        assertThat(rules(noDelay)).isEmpty();
        assertThat(rules(large)).isEmpty();
        assertThat(rules(server)).isEmpty();
        assertThat(server.nagle()).isNull();
    }

    @Test
    void theBandAndTheRepeatsFollowTheirSettings() {
        RuleCatalog catalog = new RuleCatalog(Map.of("connscope.rule.nagle-delayed-ack.band.min.ms", "190",
            "connscope.rule.nagle-delayed-ack.band.max.ms", "210", "connscope.rule.nagle-delayed-ack.repeats", "2"));
        Diagnosis strict = new Diagnosis(catalog, new WarningLog(100, 1000));
        ConnectionRecord r = connection(Role.CLIENT, catalog.nagleBand());
        exchange(r, 200, 20, 80);
        exchange(r, 201, 20, 80);
        r.events().add(ConnectionEvent.CLOSE);
        r.finish(clock);
        assertThat(strict.check(r)).extracting(w -> w.rule).containsExactly("nagle-delayed-ack");
        assertThat(strict.check(r).get(0).evidence).contains("(190–210 ms)");
        // Each record keeps its evidence against its own band: 100 ms waits are stalls in the default one only.
        ConnectionRecord strictRecord = connection(Role.CLIENT, catalog.nagleBand());
        ConnectionRecord usual = connection(Role.CLIENT);
        for (ConnectionRecord c : List.of(strictRecord, usual)) {
            exchange(c, 100, 20, 80);
            exchange(c, 101, 20, 80);
        }
        assertThat(strictRecord.nagle().stalledRequests).isZero();
        assertThat(usual.nagle().stalledRequests).isEqualTo(2);
    }

    @Test
    void bandBoundsThatDoNotFitAreReportedAndTheDefaultsUsed() {
        RuleCatalog catalog = new RuleCatalog(Map.of("connscope.rule.nagle-delayed-ack.band.min.ms", "300",
            "connscope.rule.nagle-delayed-ack.band.max.ms", "100"));
        assertThat(catalog.problems()).containsExactly("setting connscope.rule.nagle-delayed-ack.band.max.ms: 100 is below"
            + " band.min.ms 300; using the defaults 36 and 250");
        assertThat(catalog.nagleBand().toString()).isEqualTo("(36–250 ms)");
    }

    @Test
    void responsesWhoseBodyFollowedTheHeadInTheBandNameTheServersNagle() {
        ConnectionRecord r = connection(Role.CLIENT);
        r.nagle().response(-1, false); // head and body together
        r.nagle().response(300_000, false); // apart, but at once
        r.nagle().response(40_100_000, false);
        r.nagle().response(41_900_000, false);
        r.nagle().response(40_500_000, false);
        List<Warning> warnings = check(r);
        assertThat(warnings).extracting(w -> w.rule).containsExactly("peer-nagle-delayed-ack");
        assertThat(warnings.get(0).evidence).isEqualTo("on connection 1, 3 of 5 responses arrived in two parts: the head,"
            + " then the body 40.1–41.9 ms later, within the delayed-ACK band (36–250 ms), with nothing sent by this side in"
            + " between (1 arrived with head and body together): the server writes head and body apart with TCP_NODELAY off,"
            + " and its Nagle held the body until this side's delayed ACK of the head.");
        assertThat(warnings.get(0).advice).startsWith("Fix it on the server api:8080: set TCP_NODELAY");
    }

    @Test
    void aBodyAfterSomethingThisSideSentOrSeenTwiceIsNotClaimed() {
        ConnectionRecord wrote = connection(Role.CLIENT);
        ConnectionRecord twice = connection(Role.CLIENT);
        for (int i = 0; i < 4; i++) {
            wrote.nagle().response(41_000_000, true);
        }
        twice.nagle().response(41_000_000, false);
        twice.nagle().response(41_000_000, false);
        assertThat(rules(wrote)).isEmpty();
        assertThat(rules(twice)).isEmpty();
    }
}
