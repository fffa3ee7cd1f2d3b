package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.connection.TestRecords;
import io.connscope.agent.connection.TlsInfo;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.wire.AnalysisMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The connection rules on records built the way the tracker builds them: when each fires, and on healthy connections not at all. */
class ConnectionRulesTest {

    private static final long MS = 1_000_000L;

    private final Destinations destinations = new Destinations(10);
    private final Destination api = destinations.of(Role.CLIENT, "api", 443);
    private final Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(100, 1000));

    private ConnectionRecord connected(long id) {
        ConnectionRecord r = new ConnectionRecord(id, Role.CLIENT, "socket", api, 0L);
        TestRecords.connectEndNanos(r, MS);
        r.events().add(ConnectionEvent.CONNECT);
        return r;
    }

    private List<String> rules(ConnectionRecord r, long endNanos) {
        r.finish(endNanos);
        return diagnosis.check(r).stream().map(w -> w.rule).collect(Collectors.toList());
    }

    @Test
    void aHealthyGracefulConnectionRaisesNothing() {
        ConnectionRecord r = connected(1);
        r.onNoDelay(true);
        r.onWrite(100, 2 * MS);
        r.onWrite(100, 2 * MS);
        r.onRead(500, 60 * MS);
        r.events().add(ConnectionEvent.SHUTDOWN_OUTPUT);
        r.onRead(-1, 61 * MS);
        r.events().add(ConnectionEvent.CLOSE);
        assertThat(rules(r, 62 * MS)).isEmpty();
    }

    @Test
    void noDelayTurnedOnAfterTheFirstWrite() {
        ConnectionRecord r = connected(1);
        r.onWrite(10, 2 * MS);
        r.onNoDelay(true);
        assertThat(rules(r, 3 * MS)).containsExactly("tcp-nodelay-late");
    }

    /** SO_LINGER 0 resets: a WARN when the connection carried data, told only when it carried none (Tomcat's wake-up). */
    @Test
    void lingerZeroResetsWarnOnlyWhenTheConnectionCarriedData() {
        ConnectionRecord used = connected(1);
        used.onWrite(40, 2 * MS);
        TestRecords.closedWithLingerZero(used, true);
        used.events().add(ConnectionEvent.CLOSE);
        assertThat(rules(used, 3 * MS)).containsExactly("abortive-close");
        assertThat(diagnosis.check(used).get(0).severity).isEqualTo(Severity.WARN);

        ConnectionRecord wakeUp = connected(2);
        TestRecords.closedWithLingerZero(wakeUp, true);
        wakeUp.events().add(ConnectionEvent.CLOSE);
        assertThat(rules(wakeUp, 3 * MS)).containsExactly("abortive-close");
        Warning told = diagnosis.check(wakeUp).get(0);
        assertThat(told.severity).isEqualTo(Severity.INFO);
        assertThat(told.evidence).contains("which carried no data either way").contains("nothing was lost");

        // Apache HttpClient 5 closes a pooled connection it found closed by the server with SO_LINGER 0.
        ConnectionRecord found = httpClient(3, null, 0);
        found.onRead(-1, 3 * MS);
        TestRecords.closedWithLingerZero(found, true);
        Warning afterServerClose = abortive(found);
        assertThat(afterServerClose.severity).isEqualTo(Severity.INFO);
        assertThat(afterServerClose.evidence).contains("after the server had closed its side");

        // ... and one the server said it would close, once every response came in full; not one still awaited.
        byte[] close = ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        for (boolean answered : new boolean[] {true, false}) {
            ConnectionRecord announced = httpClient(answered ? 4 : 5, close, answered ? close.length : close.length - 1);
            TestRecords.closedWithLingerZero(announced, true);
            Warning w = abortive(announced);
            assertThat(w.severity).as("answered in full: %s", answered).isEqualTo(answered ? Severity.INFO : Severity.WARN);
            if (answered) {
                assertThat(w.evidence).contains("the server had said it would close it (Connection: close, response 1)");
            }
        }

        // A pool closed with SO_LINGER 0 after its exchanges were all done: nothing in flight, nothing lost.
        byte[] ok = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        ConnectionRecord pooled = httpClient(6, ok, ok.length);
        TestRecords.closedWithLingerZero(pooled, true);
        Warning idle = abortive(pooled);
        assertThat(idle.severity).isEqualTo(Severity.INFO);
        assertThat(idle.evidence).contains("every response had come in full, with no request in flight");

        // Input left unread after every response (a TLS server's close_notify, say): told; with a response cut, a WARN.
        for (boolean answered : new boolean[] {true, false}) {
            ConnectionRecord unread = httpClient(answered ? 7 : 8, ok, answered ? ok.length : ok.length - 1);
            TestRecords.unreadAtEnd(unread, 40);
            unread.events().add(ConnectionEvent.UNREAD_AT_CLOSE);
            Warning w = abortive(unread);
            assertThat(w.severity).as("answered in full: %s", answered).isEqualTo(answered ? Severity.INFO : Severity.WARN);
            assertThat(w.evidence).contains("40 byte(s) of input unread");
        }
    }

    /** An HTTP client connection that wrote a GET and read {@code length} bytes of {@code response} (none when null). */
    private ConnectionRecord httpClient(long id, byte[] response, int length) {
        ConnectionRecord r = connected(id);
        TestRecords.http(r, new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease()));
        byte[] get = ascii("GET / HTTP/1.1\r\nHost: api\r\n\r\n");
        r.http().feed(true, get, 0, get.length);
        if (response != null) {
            r.http().feed(false, response, 0, length);
        }
        r.onWrite(get.length, 2 * MS);
        return r;
    }

    /** The connection closes now, abortively as set up: its abortive-close warning. */
    private Warning abortive(ConnectionRecord r) {
        r.events().add(ConnectionEvent.CLOSE);
        assertThat(rules(r, 4 * MS)).contains("abortive-close");
        return diagnosis.check(r).stream().filter(w -> w.rule.equals("abortive-close")).findFirst().orElseThrow();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void closesThatLoseData() {
        ConnectionRecord abortive = connected(1);
        TestRecords.unreadAtEnd(abortive, 12);
        abortive.events().add(ConnectionEvent.UNREAD_AT_CLOSE);
        abortive.events().add(ConnectionEvent.CLOSE);
        assertThat(rules(abortive, 2 * MS)).containsExactly("abortive-close");
        assertThat(diagnosis.check(abortive).get(0).evidence).contains("with 12 byte(s) of input unread");

        ConnectionRecord reset = connected(2);
        reset.onWrite(10, 2 * MS);
        TestRecords.resetNanos(reset, 12 * MS);
        reset.events().add(ConnectionEvent.RESET_ON_READ);
        assertThat(rules(reset, 13 * MS)).containsExactly("connection-reset");
        assertThat(diagnosis.check(reset).get(0).evidence).contains("seen on a read 12 ms after it opened and 10 ms after"
            + " its last successful I/O, after 10 bytes sent and 0 received");

        // A reset after the peer's TLS close_notify answers this end's reply to it: nothing is lost.
        ConnectionRecord afterCloseNotify = connected(6);
        TestRecords.peerCloseNotifyNanos(afterCloseNotify, 11 * MS);
        TestRecords.resetNanos(afterCloseNotify, 12 * MS);
        afterCloseNotify.events().add(ConnectionEvent.RESET_ON_READ);
        assertThat(rules(afterCloseNotify, 13 * MS)).isEmpty();
        TestRecords.wroteAfterPeerEnded(afterCloseNotify, true);
        assertThat(rules(afterCloseNotify, 13 * MS)).as("data written after it may be lost").containsExactly("connection-reset");
        ConnectionRecord beforeCloseNotify = connected(7);
        TestRecords.resetNanos(beforeCloseNotify, 12 * MS);
        TestRecords.peerCloseNotifyNanos(beforeCloseNotify, 12 * MS + 1);
        beforeCloseNotify.events().add(ConnectionEvent.RESET_ON_READ);
        assertThat(rules(beforeCloseNotify, 13 * MS)).containsExactly("connection-reset");
        // The peer's FIN without close_notify, read on a connection whose SSLEngine this end follows: its close_notify
        // reply met a closed socket. Without the engine (plain TCP, SSLSocket), what was written after the FIN is unknown.
        ConnectionRecord afterTlsEof = connected(8);
        TestRecords.engineHandshakeStartNanos(afterTlsEof, 1 * MS);
        afterTlsEof.onRead(-1, 11 * MS);
        TestRecords.resetNanos(afterTlsEof, 12 * MS);
        afterTlsEof.events().add(ConnectionEvent.RESET_ON_WRITE);
        assertThat(rules(afterTlsEof, 13 * MS)).isEmpty();
        TestRecords.wroteAfterPeerEnded(afterTlsEof, true);
        assertThat(rules(afterTlsEof, 13 * MS)).as("a response wrapped after the FIN may be lost").containsExactly("connection-reset");
        ConnectionRecord afterPlainEof = connected(9);
        afterPlainEof.onRead(-1, 11 * MS);
        TestRecords.resetNanos(afterPlainEof, 12 * MS);
        afterPlainEof.events().add(ConnectionEvent.RESET_ON_WRITE);
        assertThat(rules(afterPlainEof, 13 * MS)).containsExactly("connection-reset");

        ConnectionRecord inputFirst = connected(3);
        inputFirst.events().add(ConnectionEvent.SHUTDOWN_INPUT);
        inputFirst.events().add(ConnectionEvent.SHUTDOWN_OUTPUT);
        inputFirst.events().add(ConnectionEvent.CLOSE);
        ConnectionRecord noEof = connected(4);
        noEof.events().add(ConnectionEvent.SHUTDOWN_OUTPUT);
        noEof.events().add(ConnectionEvent.CLOSE);
        ConnectionRecord inputAfterEof = connected(5);
        inputAfterEof.events().add(ConnectionEvent.EOF);
        inputAfterEof.events().add(ConnectionEvent.SHUTDOWN_INPUT);
        inputAfterEof.events().add(ConnectionEvent.SHUTDOWN_OUTPUT);
        inputAfterEof.events().add(ConnectionEvent.CLOSE);
        assertThat(rules(inputFirst, 2 * MS)).containsExactly("close-ordering");
        assertThat(rules(noEof, 2 * MS)).containsExactly("close-ordering");
        assertThat(rules(inputAfterEof, 2 * MS)).as("nothing more could arrive").isEmpty();
        assertThat(diagnosis.check(noEof).get(0).evidence).contains("closed without reading the peer's EOF")
            .endsWith("No reset followed: nothing is known to be lost.");
        assertThat(diagnosis.check(noEof).get(0).severity).as("the order alone proves no loss").isEqualTo(Severity.INFO);
        ConnectionRecord noEofThenReset = connected(8);
        noEofThenReset.events().add(ConnectionEvent.SHUTDOWN_OUTPUT);
        TestRecords.resetNanos(noEofThenReset, MS);
        noEofThenReset.events().add(ConnectionEvent.RESET_ON_READ);
        noEofThenReset.events().add(ConnectionEvent.CLOSE);
        Warning ordering = diagnosis.check(noEofThenReset).stream().filter(w -> w.rule.equals("close-ordering")).findFirst()
            .orElseThrow();
        assertThat(ordering.severity).isEqualTo(Severity.WARN);
        assertThat(ordering.evidence).endsWith("The connection was then reset.");
    }

    @Test
    void slowSetupAndFullHandshakesWithoutResumption() {
        ConnectionRecord slow = connected(1);
        TestRecords.connectEndNanos(slow, 250 * MS);
        api.stats.connectTime.record(250 * MS);
        assertThat(rules(slow, 300 * MS)).containsExactly("slow-setup");

        // Three begun together before any session existed: nothing to resume, nothing said.
        Destination parallel = destinations.of(Role.CLIENT, "pool", 443);
        for (int i = 0; i < 3; i++) {
            ConnectionRecord r = handshake(connected(30 + i), parallel, MS + i, 21 * MS + i, false);
            assertThat(rules(r, 30 * MS)).isEmpty();
        }
        // One after another, each begun once the previous had ended: the third full one is the claim.
        List<List<String>> fired = new java.util.ArrayList<>();
        ConnectionRecord last = null;
        for (int i = 0; i < 3; i++) {
            last = handshake(connected(10 + i), api, (1 + 30 * i) * MS, (21 + 30 * i) * MS, false);
            fired.add(rules(last, 100 * MS));
        }
        assertThat(fired).containsExactly(List.of(), List.of(), List.of("tls-no-resumption"));
        assertThat(diagnosis.check(last).get(0).evidence).contains("full handshake number 3 to this destination");
        // Their session caches were not known apart: each may have been a new SSLContext's first, so it is told.
        assertThat(diagnosis.check(last).get(0).severity).isEqualTo(Severity.INFO);
        TestRecords.tlsCachesToDestination(last, 3);
        assertThat(diagnosis.check(last).get(0).evidence).contains("from 3 different SSLContexts: a new SSLContext has no"
            + " session to resume");
        // The same SSLContext, holding a session for the destination, paid full handshakes again: that is a claim.
        TestRecords.tlsFullWithSessionInCache(last, 2);
        Warning sameCache = diagnosis.check(last).get(0);
        assertThat(sameCache.severity).isEqualTo(Severity.WARN);
        assertThat(sameCache.evidence).contains("its SSLContext's session cache held a session for this destination, and"
            + " this was its full handshake number 3 there");
        handshake(connected(19), api, 110 * MS, 115 * MS, true);
        ConnectionRecord afterResumption = handshake(connected(20), api, 120 * MS, 140 * MS, false);
        assertThat(rules(afterResumption, 150 * MS)).isEmpty();

        // A server's full handshakes may each be a different client's first: nothing to claim there.
        Destination listening = destinations.of(Role.SERVER, null, 8443);
        List<List<String>> atServer = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ConnectionRecord accepted = new ConnectionRecord(40 + i, Role.SERVER, "socket", listening, 0L);
            accepted.events().add(ConnectionEvent.ACCEPT);
            atServer.add(rules(handshake(accepted, listening, (1 + 30 * i) * MS, (21 + 30 * i) * MS, false), 200 * MS));
        }
        assertThat(atServer).allSatisfy(raised -> assertThat(raised).isEmpty());
    }

    /** A handshake as the tracker records it: counted for its destination, and what the count says kept on the record. */
    private static ConnectionRecord handshake(ConnectionRecord r, Destination d, long start, long end, boolean resumed) {
        TestRecords.tls(r, new TlsInfo(start, end, "1.3", "TLS_AES_128_GCM_SHA256", resumed, null, null));
        TestRecords.tlsHistory(r, d.stats.addTls(r.tls().info()), d.stats.tlsResumed.get());
        return r;
    }

    @Test
    void tooManyConnectionsLeaksAndPortExhaustion() {
        ConnectionRecord seventh = connected(1);
        TestRecords.concurrentAtOpen(seventh, 7);
        assertThat(rules(seventh, 2 * MS)).containsExactly("too-many-connections");

        ConnectionRecord leaked = connected(2);
        TestRecords.openedAt(leaked, "com.example.Client.call:42 < com.example.Main.main:7");
        leaked.events().add(ConnectionEvent.COLLECTED);
        assertThat(rules(leaked, 5 * MS)).containsExactly("connection-leak");
        assertThat(diagnosis.check(leaked).get(0).evidence).endsWith("opened at com.example.Client.call:42 < com.example.Main.main:7.");
        TestRecords.openedAtInferred(leaked, true);
        assertThat(diagnosis.check(leaked).get(0).evidence).endsWith("; probably opened at com.example.Client.call:42"
            + " < com.example.Main.main:7 (its destination opened connections faster than call sites are captured, so this"
            + " is the latest one captured).");

        ConnectionRecord exhausted = new ConnectionRecord(3, Role.CLIENT, "socket", api, 0L);
        TestRecords.connectError(exhausted, "java.net.NoRouteToHostException");
        TestRecords.connectErrorMessage(exhausted, "Cannot assign requested address");
        ConnectionRecord unreachable = new ConnectionRecord(4, Role.CLIENT, "socket", api, 0L);
        TestRecords.connectError(unreachable, "java.net.NoRouteToHostException");
        TestRecords.connectErrorMessage(unreachable, "No route to host");
        assertThat(rules(exhausted, MS)).containsExactly("port-exhaustion");
        assertThat(rules(unreachable, MS)).isEmpty();
    }

    @Test
    void idleConnectionsOnlyPastTheThreshold() {
        Diagnosis quick = new Diagnosis(new RuleCatalog(Map.of("connscope.rule.idle-connection.idle.ms", "100")),
            new WarningLog(100, 1000));
        ConnectionRecord idle = connected(1);
        idle.onWrite(1, 2 * MS);
        idle.finish(500 * MS);
        ConnectionRecord busy = connected(2);
        busy.onWrite(1, 450 * MS);
        busy.finish(500 * MS);
        assertThat(quick.check(idle)).extracting(w -> w.rule).containsExactly("idle-connection");
        assertThat(quick.check(busy)).isEmpty();
    }

    @Test
    void churnTowardsPortExhaustionFiresOncePerWindow() {
        Diagnosis churn = new Diagnosis(new RuleCatalog(Map.of("connscope.rule.connection-churn.window.ms", "1000",
            "connscope.rule.connection-churn.percent", "1")), new WarningLog(100, 1000));
        List<String> fired = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ConnectionRecord r = connected(100 + i);
            r.events().add(ConnectionEvent.CLOSE);
            r.finish((10 + i) * MS);
            churn.check(r).forEach(w -> fired.add(w.rule + ": " + w.evidence));
        }
        // A peer that closes first leaves TIME_WAIT on its side: not counted.
        ConnectionRecord peerFirst = connected(200);
        peerFirst.onRead(-1, 40 * MS);
        peerFirst.events().add(ConnectionEvent.CLOSE);
        peerFirst.finish(41 * MS);
        assertThat(churn.check(peerFirst)).isEmpty();
        assertThat(fired).singleElement().satisfies(f -> assertThat(f).startsWith("connection-churn: ")
            .contains("closed by this side first within").contains("TIME_WAIT for 60 s"));
    }

    @Test
    void aPeerSendingMalformedHttpIsAProtocolViolationAndLenientHeadsAnInfo() {
        ConnectionRecord broken = exchanged(1, "GET /a HTTP/1.1\r\nHost: api\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET /b HTTP/1.1\r\nHost: api\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertThat(rules(broken, 5 * MS)).containsExactly("protocol-violation");
        Warning w = diagnosis.check(broken).get(0);
        assertThat(w.severity).isEqualTo(Severity.WARN);
        assertThat(w.evidence).isEqualTo("the server sent malformed HTTP on connection 1 (api:443): response 2: malformed"
            + " chunk size; connscope read no further HTTP on it (its bytes are still counted).");

        ConnectionRecord folded = exchanged(2, "GET / HTTP/1.1\r\nHost: api\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-Note: one\r\n  two\r\nContent-Length: 0\r\n\r\n");
        assertThat(rules(folded, 5 * MS)).containsExactly("protocol-violation");
        Warning info = diagnosis.check(folded).get(0);
        assertThat(info.severity).isEqualTo(Severity.INFO);
        assertThat(info.evidence).contains("response 1: obsolete line folding");

        // This side's own malformed requests are not the peer's violation.
        ConnectionRecord ours = exchanged(3, "GET / HTTP/1.1\r\nHost: api\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        assertThat(ours.http().violations().malformed(true)).isEqualTo("request 2: conflicting Content-Length values");
        assertThat(rules(ours, 5 * MS)).isEmpty();
    }

    /** A client that asks the server to close after each request: claimed at the fifth such connection, then once a window. */
    @Test
    void aClientThatClosesAfterEveryRequestIsClaimedAtItsFifthConnectionThenOncePerWindow() {
        String close = "GET /a HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n";
        String ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        List<List<String>> fired = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            fired.add(rules(exchanged(i, close, ok), i * MS));
        }
        assertThat(fired).containsExactly(List.of(), List.of(), List.of(), List.of(), List.of("keepalive-disabled"),
            List.of(), List.of());
        // A minute after the claim (connscope.rule.keepalive-disabled.window.ms), it is claimed again, with the totals.
        ConnectionRecord later = exchanged(8, close, ok);
        later.finish(5 * MS + 60_000 * MS);
        assertThat(diagnosis.check(later)).extracting(w -> w.evidence).containsExactly("connection 8 carried one request,"
            + " which itself asked the server to close the connection (Connection: close); it is connection 8 to this"
            + " destination that did so. Together they paid 8 ms of connecting; 8 of them were closed by this side first,"
            + " each holding its local port in TIME_WAIT for 60 s.");
    }

    /** Not the client's doing, or not one request per connection: other rules', or nothing to say. */
    @Test
    void closesTheClientDidNotAskForOrConnectionsThatWereReusedAreNotClaimed() {
        String ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        for (int i = 1; i <= 6; i++) {
            // the server said close
            assertThat(rules(exchanged(10 + i, "GET / HTTP/1.1\r\nHost: api\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"), 5 * MS)).isEmpty();
            // HTTP/1.0 without keep-alive: the exchange rule http10-no-keepalive says it
            assertThat(rules(exchanged(20 + i, "GET / HTTP/1.0\r\n\r\n", ok), 5 * MS)).isEmpty();
            // two requests, the second asking to close: the connection was reused
            assertThat(rules(exchanged(30 + i, "GET / HTTP/1.1\r\nHost: api\r\n\r\n", ok,
                "GET / HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n", ok), 5 * MS)).isEmpty();
        }
    }

    /** A closed client connection whose HTTP analysis saw these messages: request, response, request, … */
    private ConnectionRecord exchanged(long id, String... messages) {
        ConnectionRecord r = connected(id);
        TestRecords.http(r, new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease()));
        for (int i = 0; i < messages.length; i++) {
            byte[] b = messages[i].getBytes(StandardCharsets.ISO_8859_1);
            r.http().feed(i % 2 == 0, b, 0, b.length);
        }
        r.events().add(ConnectionEvent.CLOSE);
        return r;
    }
}
