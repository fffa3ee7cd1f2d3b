package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.fixture.Opener;
import org.junit.jupiter.api.Test;

class CallSitesTest {

    @Test
    void connectionsOpenedFromOnePlaceShareOneString() {
        CallSites sites = new CallSites(2);
        String first = openHere(sites);
        String second = openHere(sites);
        // Thousands of connections from one call site keep one string, not one each. connscope's own frames
        // (this test's package included) are skipped, so the site is the JUnit frames calling the test.
        assertThat(first).startsWith("org.junit.").contains(" < ");
        assertThat(second).isSameAs(first);
        assertThat(new CallSites(0).capture()).isNull();
    }

    @Test
    void eachFrameIsNamedByItsOwnLineEvenWhenItsTextIsReused() {
        CallSites sites = new CallSites(1);
        String[] opened = Opener.openTwiceFromTwoLines(sites);
        assertThat(opened[0]).isEqualTo("io.connscope.fixture.Opener.openTwiceFromTwoLines:14");
        assertThat(opened[1]).isSameAs(opened[0]);
        assertThat(opened[2]).isEqualTo("io.connscope.fixture.Opener.openTwiceFromTwoLines:16");
    }

    private static String openHere(CallSites sites) {
        return sites.capture();
    }
}
