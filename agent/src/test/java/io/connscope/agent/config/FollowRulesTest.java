package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Include and exclude rules for destinations and listening ports, as the settings give them. */
class FollowRulesTest {

    @Test
    void namesMatchByGlobAsTheApplicationGaveThemCaseAside() throws Exception {
        FollowRules r = rules("*.internal, api.example.com:443", "", "", "");
        assertThat(r.followsDestination("db.internal", null, 5432)).isTrue();
        assertThat(r.followsDestination("a.b.INTERNAL", null, 1)).isTrue();
        assertThat(r.followsDestination("internal", null, 1)).isFalse();
        assertThat(r.followsDestination("api.example.com", null, 443)).isTrue();
        assertThat(r.followsDestination("api.example.com", null, 80)).isFalse();
        assertThat(r.followsDestination("x.example.com", null, 443)).isFalse();
    }

    @Test
    void aNameLookUpIsFollowedWhenAConnectionToItCouldBe() throws Exception {
        InetAddress[] loopback = {InetAddress.getByName("127.0.0.1")};
        InetAddress[] ten = {InetAddress.getByName("10.1.2.3")};
        FollowRules excluding = rules("", "127.0.0.0/8, *.internal:5432", "", "");
        assertThat(excluding.followsName("localhost", loopback)).as("every port of its address excluded").isFalse();
        assertThat(excluding.followsName("db.internal", ten)).as("only port 5432 excluded").isTrue();
        assertThat(excluding.followsName("api.test", ten)).isTrue();
        InetAddress[] both = {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")};
        assertThat(excluding.followsName("localhost", both)).as("its ::1 is still followed").isTrue();
        assertThat(rules("", "db.internal:1-65535", "", "").followsName("db.internal", ten)).as("every port, written out")
            .isFalse();
        FollowRules including = rules("localhost, *.internal:443", "", "", "");
        assertThat(including.followsName("LOCALHOST", loopback)).isTrue();
        assertThat(including.followsName("db.internal", ten)).as("some port of it included").isTrue();
        assertThat(including.followsName("api.test", ten)).isFalse();
        assertThat(including.followsName("api.test", new InetAddress[0])).as("a failed look-up, by its name").isFalse();
    }

    @Test
    void addressBlocksMatchTheAddressReachedWhateverTheName() throws Exception {
        FollowRules r = rules("", "10.0.0.0/8, 192.168.1.0/25:5432, fd00::/8, [::1]:9000-9100", "", "");
        InetAddress ten = InetAddress.getByName("10.200.3.4");
        assertThat(r.followsDestination("db.internal", ten, 5432)).isFalse();
        assertThat(r.followsDestination("11.0.0.1", InetAddress.getByName("11.0.0.1"), 5432)).isTrue();
        assertThat(r.followsDestination("h", InetAddress.getByName("192.168.1.127"), 5432)).isFalse();
        assertThat(r.followsDestination("h", InetAddress.getByName("192.168.1.128"), 5432)).isTrue();
        assertThat(r.followsDestination("h", InetAddress.getByName("192.168.1.1"), 5433)).isTrue();
        assertThat(r.followsDestination("h", InetAddress.getByName("fd12::1"), 443)).isFalse();
        assertThat(r.followsDestination("h", InetAddress.getByName("fe80::1"), 443)).isTrue();
        assertThat(r.followsDestination("localhost", InetAddress.getByName("::1"), 9050)).isFalse();
        assertThat(r.followsDestination("localhost", InetAddress.getByName("::1"), 9101)).isTrue();
        // An IPv4 block never matches an IPv6 address, nor one unknown.
        assertThat(r.followsDestination("10.0.0.1", null, 1)).isTrue();
    }

    @Test
    void anAddressGlobMatchesTheAddressReachedByName() throws Exception {
        FollowRules r = rules("", "127.0.0.*", "", "");
        assertThat(r.followsDestination("localhost", InetAddress.getByName("127.0.0.1"), 80)).isFalse();
        assertThat(r.followsDestination("localhost", InetAddress.getByName("::1"), 80)).isTrue();
    }

    @Test
    void anExcludeWinsOverAnIncludeAndAPortOnAnyHostIsStarColonPort() throws Exception {
        FollowRules r = rules("*.example.com", "*:5432, metrics.example.com", "", "");
        assertThat(r.followsDestination("api.example.com", null, 443)).isTrue();
        assertThat(r.followsDestination("db.example.com", null, 5432)).isFalse();
        assertThat(r.followsDestination("metrics.example.com", null, 443)).isFalse();
        assertThat(r.followsDestination("other.org", null, 443)).isFalse();
    }

    @Test
    void listeningPortsByPortAndRange() {
        FollowRules r = rules("", "", "8000-8999 443", "8081");
        assertThat(r.followsListeningPort(8080)).isTrue();
        assertThat(r.followsListeningPort(443)).isTrue();
        assertThat(r.followsListeningPort(8081)).isFalse();
        assertThat(r.followsListeningPort(9000)).isFalse();
        // Destinations are not narrowed by listening-port rules.
        assertThat(r.followsDestination("anything", null, 1)).isTrue();
        assertThat(rules("", "", "", "9464").followsListeningPort(8080)).isTrue();
    }

    @Test
    void noRulesFollowEverythingAndSayNothing() {
        FollowRules r = rules("", " ", "", "");
        assertThat(r.followsAll()).isTrue();
        assertThat(r.describe()).isNull();
        assertThat(rules("*.a", "10.0.0.0/8", "", "9464").describe())
            .isEqualTo("destinations in *.a but not in 10.0.0.0/8; listening ports not in 9464");
    }

    @Test
    void badEntriesAreRefusedWithTheirReason() {
        assertProblem("10.0.0.0/33", "has a bad entry: '10.0.0.0/33' has a prefix length that is not 0-32");
        assertProblem("300.1.1.1/8", "has a bad entry: '300.1.1.1/8' is not an address block: '300.1.1.1' is not an IP address");
        assertProblem("host:0", "has a bad entry: '0' is not a port (1-65535)");
        assertProblem("host:90-80", "has a bad entry: port range '90-80' ends before it starts");
        assertProblem(":443", "has a bad entry: ':443' names no host (use *:port for a port on any host)");
        assertProblem("[::1", "has a bad entry: '[::1' opens '[' without closing it");
        assertProblem("[::1]443", "has a bad entry: '[::1]443' has '443' after ']' (expected :port)");
        assertProblem("http://x", "has a bad entry: '//x' is not a port (1-65535)");
        assertProblem("a/b", "has a bad entry: 'a/b' is not an address block: 'a' is not an IP address");
        assertProblem("bad host!", "has a bad entry: 'host!' is not a host name, glob or address block");
        assertThat(FollowRules.portsProblem("80, x")).isEqualTo("has a bad entry: 'x' is not a port (1-65535)");
        assertThat(FollowRules.portsProblem("1-65535")).isNull();
    }

    @Test
    void aBadSettingIsReportedAndLeftAtItsDefault() {
        Properties p = new Properties();
        p.setProperty(AgentConfig.DESTINATIONS_EXCLUDE, "10.0.0.0/40");
        AgentConfig c = AgentConfig.load("listen.ports.include=80\\,443", p, java.util.Map.of());
        assertThat(c.problems()).containsExactly("setting connscope.destinations.exclude='10.0.0.0/40' has a bad entry:"
            + " '10.0.0.0/40' has a prefix length that is not 0-32; using the default ''");
        assertThat(c.followRules().describe()).isEqualTo("listening ports in 80 443");
    }

    private static void assertProblem(String value, String problem) {
        assertThat(FollowRules.destinationsProblem(value)).as(value).isEqualTo(problem);
        assertThatThrownBy(() -> rules(value, "", "", "")).isInstanceOf(IllegalArgumentException.class);
    }

    private static FollowRules rules(String include, String exclude, String listenInclude, String listenExclude) {
        return FollowRules.of(include, exclude, listenInclude, listenExclude);
    }
}
