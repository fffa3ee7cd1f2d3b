package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.WireExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How a connect finds the look-up that preceded it on its thread, and the failed attempts before it. */
class NameLookupsTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final List<NameLookup> exported = new ArrayList<>();
    private final NameTable table = new NameTable();
    private final NameLookups names = new NameLookups(table, new FinishedSink() {
        @Override
        public void connection(ConnectionRecord connection) {
        }

        @Override
        public void exchange(ConnectionRecord connection, WireExchange exchange) {
        }

        @Override
        public void lookup(NameLookup lookup) {
            exported.add(lookup);
        }
    }, () -> 30, (host, addresses) -> true);
    private final Destinations destinations = new Destinations(10);

    private static InetAddress address(String name, int last) throws UnknownHostException {
        return InetAddress.getByAddress(name, new byte[] {127, 0, 0, (byte) last});
    }

    @Test
    void aConnectRightAfterItsLookUpOnTheSameThreadTakesItsTimeAndAnswer() throws Exception {
        names.lookedUp("api.test", new Object[] {address("api.test", 2), address("api.test", 1)}, null, 1_000 * MS,
            1_300 * MS);
        NameResolution n = names.connecting(new InetSocketAddress(address("api.test", 1), 443), 1_301 * MS, true);
        assertThat(n.name).isEqualTo("api.test");
        assertThat(n.lookupNanos).isEqualTo(300 * MS);
        assertThat(n.addresses).containsExactly("127.0.0.2", "127.0.0.1");
        assertThat(n.addressIndex).isEqualTo(2);
        assertThat(n.failedAttempts).isZero();
        assertThat(exported).extracting(l -> l.name).containsExactly("api.test");
        NameResolution again = names.connecting(new InetSocketAddress(address("api.test", 1), 443), 1_302 * MS, true);
        assertThat(again.lookupNanos).as("the look-up was the first connect's; the cache answered this one").isEqualTo(-1);
        assertThat(again.addresses).as("the name's last answer").containsExactly("127.0.0.2", "127.0.0.1");
    }

    @Test
    void aLookUpLongBeforeTheConnectOrOfAnotherNameIsNotItsOwn() throws Exception {
        names.lookedUp("a.test", new Object[] {address("a.test", 1)}, null, 0, 10 * MS);
        assertThat(names.connecting(new InetSocketAddress(address("b.test", 1), 80), 11 * MS, true).lookupNanos).isEqualTo(-1);
        assertThat(names.connecting(new InetSocketAddress(address("a.test", 1), 80), 10 * MS + TimeUnit.SECONDS.toNanos(2),
            true).lookupNanos).isEqualTo(-1);
    }

    @Test
    void addressesAndUnresolvedTargetsHaveNoResolution() throws Exception {
        assertThat(names.connecting(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80), 1, true)).isNull();
        assertThat(names.connecting(new InetSocketAddress(InetAddress.getByName("::1"), 80), 1, true)).isNull();
        assertThat(names.connecting(InetSocketAddress.createUnresolved("x.test", 80), 1, true)).isNull();
        assertThat(NameLookups.isLiteral("10.1.2.3")).isTrue();
        assertThat(NameLookups.isLiteral("fe80::1%eth0")).isTrue();
        assertThat(NameLookups.isLiteral("server1")).isFalse();
        assertThat(NameLookups.isLiteral("1.example")).isFalse();
    }

    @Test
    void failedConnectsToOtherAddressesOfTheNameBeforeASuccessAreAFallback() throws Exception {
        names.lookedUp("f.test", new Object[] {address("f.test", 2), address("f.test", 3), address("f.test", 1)}, null,
            0, MS);
        for (int dead : new int[] {2, 3}) {
            long start = (dead == 2 ? 2 : 600) * MS;
            ConnectionRecord r = new ConnectionRecord(dead, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "f.test", 80),
                start);
            r.resolution = names.connecting(new InetSocketAddress(address("f.test", dead), 80), start, true);
            r.peerAddress = "127.0.0." + dead;
            r.peerPort = 80;
            r.connectError = "java.net.SocketTimeoutException";
            names.connectFailed(r, start + 500 * MS);
        }
        NameResolution n = names.connecting(new InetSocketAddress(address("f.test", 1), 80), 1_101 * MS, true);
        assertThat(n.failedAttempts).isEqualTo(2);
        assertThat(n.failedNanos).isEqualTo(1_000 * MS);
        assertThat(n.failedAddress).isEqualTo("127.0.0.2");
        assertThat(n.failedError).isEqualTo("java.net.SocketTimeoutException");
        assertThat(n.addressIndex).isEqualTo(3);
        names.connected();
        assertThat(names.connecting(new InetSocketAddress(address("f.test", 1), 80), 1_200 * MS, true).failedAttempts)
            .as("the attempts were the connection's before").isZero();
    }

    @Test
    void theTableCountsChangesButNotRotationsAndStaysBounded() throws Exception {
        names.lookedUp("rr.test", new Object[] {address("rr.test", 1), address("rr.test", 2)}, null, 0, MS);
        names.lookedUp("rr.test", new Object[] {address("rr.test", 2), address("rr.test", 1)}, null, 2 * MS, 3 * MS);
        names.lookedUp("rr.test", new Object[] {address("rr.test", 3)}, null, 4 * MS, 6 * MS);
        names.lookedUp("rr.test", null, new UnknownHostException("rr.test"), 7 * MS, 9 * MS);
        NameTable.NameStats s = table.names().get(0);
        assertThat(s.figures()).containsExactly(4L, 1L, 6 * MS, 2 * MS, 1L);
        assertThat(s.addresses()).containsExactly("127.0.0.3");
        assertThat(exported.get(3).error).isEqualTo("java.net.UnknownHostException");
        for (int i = 0; i < NameTable.MAX_NAMES + 5; i++) {
            names.lookedUp("n" + i + ".test", new Object[] {address("x", 1)}, null, 0, 1);
        }
        assertThat(table.names()).hasSize(NameTable.MAX_NAMES);
        assertThat(table.untracked()).isEqualTo(6);
    }

    @Test
    void aConnectKnowsWhenItsNameWasFirstLookedUpAndWhetherTheJdkKeepsAnswersForEver() throws Exception {
        NameLookups forever = new NameLookups(table, new EventSinkless(), () -> -1, (host, addresses) -> true);
        forever.lookedUp("k.test", new Object[] {address("k.test", 1)}, null, 5 * MS, 6 * MS);
        NameResolution later = forever.connecting(new InetSocketAddress(address("k.test", 1), 80), 900 * MS, true);
        assertThat(later.cachedForever).isTrue();
        assertThat(later.answerNanos).isEqualTo(5 * MS);
        assertThat(names.connecting(new InetSocketAddress(address("k.test", 1), 80), 900 * MS, true).cachedForever).isFalse();
    }

    @Test
    void aRetryOfTheSameAddressOrAnOverlappingAttemptOrAnotherThreadsLookUpIsNoFallback() throws Exception {
        names.lookedUp("r.test", new Object[] {address("r.test", 1), address("r.test", 2)}, null, 0, MS);
        failOn(1, 2 * MS, 502 * MS, "java.net.ConnectException");
        assertThat(names.connecting(new InetSocketAddress(address("r.test", 1), 80), 600 * MS, true).failedAttempts)
            .as("the same address again: a retry").isZero();
        assertThat(names.connecting(new InetSocketAddress(address("r.test", 2), 80), 400 * MS, true).failedAttempts)
            .as("started before the failure ended: side by side").isZero();
        assertThat(names.connecting(new InetSocketAddress(address("r.test", 2), 80), 600 * MS, false).failedAttempts)
            .as("a non-blocking connect").isZero();
        assertThat(names.connecting(new InetSocketAddress(address("r.test", 2), 80), 600 * MS, true).failedAttempts)
            .isEqualTo(1);
        NameResolution[] elsewhere = new NameResolution[1];
        names.lookedUp("t.test", new Object[] {address("t.test", 1)}, null, 700 * MS, 800 * MS);
        Thread other = new Thread(() -> {
            try {
                elsewhere[0] = names.connecting(new InetSocketAddress(address("t.test", 1), 80), 801 * MS, true);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        other.join();
        assertThat(elsewhere[0].lookupNanos).as("looked up on another thread").isEqualTo(-1);
        assertThat(elsewhere[0].addresses).as("but the name's answer is known").containsExactly("127.0.0.1");
    }

    private void failOn(int last, long start, long end, String error) throws UnknownHostException {
        ConnectionRecord r = new ConnectionRecord(last, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "r.test", 80),
            start);
        r.resolution = names.connecting(new InetSocketAddress(address("r.test", last), 80), start, true);
        r.peerAddress = "127.0.0." + last;
        r.peerPort = 80;
        r.connectError = error;
        names.connectFailed(r, end);
    }

    /** A sink that takes nothing. */
    private static final class EventSinkless implements FinishedSink {
        @Override
        public void connection(ConnectionRecord connection) {
        }

        @Override
        public void exchange(ConnectionRecord connection, WireExchange exchange) {
        }
    }
}
