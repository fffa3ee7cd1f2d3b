package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.fixture.Opener;
import org.junit.jupiter.api.Test;

class CallSitesTest {

    @Test
    void connectionsOpenedFromOnePlaceShareOneString() {
        CallSites sites = new CallSites(2, 10);
        String first = openHere(sites);
        String second = openHere(sites);
        // Thousands of connections from one call site keep one string, not one each. connscope's own frames
        // (this test's package included) are skipped, so the site is the JUnit frames calling the test.
        assertThat(first).startsWith("org.junit.").contains(" < ");
        assertThat(second).isSameAs(first);
        assertThat(new CallSites(0, 10).capture()).isNull();
    }

    @Test
    void anHttpClientLibrarysFramesArePassedOverForTheApplicationsBelowThem() {
        String site = okhttp3.LibraryCaller.capture(new CallSites(1, 10), 3);
        assertThat(site).as("the first frame past connscope's own and the library's").startsWith("org.junit.")
            .doesNotContain("okhttp3");
    }

    @Test
    void withNoApplicationFrameWithinReachTheLibrarysAreShown() {
        // Deeper than the walk goes: as a library's event loop connects, with no application frame on its stack.
        String site = okhttp3.LibraryCaller.capture(new CallSites(2, 10), CallSites.MAX_WALKED + 10);
        assertThat(site).matches("okhttp3\\.LibraryCaller\\.capture:\\d+ < okhttp3\\.LibraryCaller\\.capture:\\d+");
    }

    @Test
    void eachFrameIsNamedByItsOwnLineEvenWhenItsTextIsReused() {
        CallSites sites = new CallSites(1, 10);
        String[] opened = Opener.openTwiceFromTwoLines(sites);
        assertThat(opened[0]).isEqualTo("io.connscope.fixture.Opener.openTwiceFromTwoLines:14");
        assertThat(opened[1]).isSameAs(opened[0]);
        assertThat(opened[2]).isEqualTo("io.connscope.fixture.Opener.openTwiceFromTwoLines:16");
    }

    @Test
    void aDestinationOpeningFasterThanTheBudgetGetsItsLatestSiteAsInferred() {
        CallSites sites = new CallSites(1, 2);
        Destinations destinations = new Destinations(10);
        Destination churned = destinations.of(Role.CLIENT, "churned", 80);
        long window = 5L << 30;
        ConnectionRecord[] opened = new ConnectionRecord[3];
        for (int i = 0; i < opened.length; i++) {
            opened[i] = new ConnectionRecord(i, Role.CLIENT, "socket", churned, window);
            sites.recordOpenedAt(opened[i], window + i);
        }
        assertThat(opened[0].openedAt).startsWith("org.junit.");
        assertThat(opened[0].openedAtInferred).isFalse();
        assertThat(opened[1].openedAtInferred).isFalse();
        assertThat(opened[2].openedAt).isSameAs(opened[1].openedAt);
        assertThat(opened[2].openedAtInferred).isTrue();

        // Another destination has its own budget, and the next window a fresh one.
        ConnectionRecord other = new ConnectionRecord(3, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "other", 80),
            window);
        sites.recordOpenedAt(other, window + 3);
        ConnectionRecord later = new ConnectionRecord(4, Role.CLIENT, "socket", churned, window + (1L << 30));
        sites.recordOpenedAt(later, window + (1L << 30));
        assertThat(other.openedAtInferred).isFalse();
        assertThat(other.openedAt).isNotNull();
        assertThat(later.openedAtInferred).isFalse();
        assertThat(later.openedAt).isNotNull();
    }

    @Test
    void aZeroBudgetCapturesNothing() {
        ConnectionRecord r = new ConnectionRecord(1, Role.CLIENT, "socket",
            new Destinations(10).of(Role.CLIENT, "h", 80), 0);
        new CallSites(8, 0).recordOpenedAt(r, 0);
        assertThat(r.openedAt).isNull();
        assertThat(r.openedAtInferred).isFalse();
    }

    private static String openHere(CallSites sites) {
        return sites.capture();
    }
}
