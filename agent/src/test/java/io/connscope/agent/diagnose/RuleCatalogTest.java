package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleCatalogTest {

    @Test
    void everyRuleIsOnByDefaultWithNoProblems() {
        RuleCatalog c = new RuleCatalog(Map.of());
        assertThat(c.ids()).hasSize(c.exchangeRules().size() + c.connectionRules().size()).doesNotHaveDuplicates()
            .contains("unsafe-resend", "nagle-delayed-ack", "connection-leak");
        assertThat(c.problems()).isEmpty();
        assertThat(c.leakStackFrames()).isEqualTo(8);
        assertThat(c.leakStacksPerSecond()).isEqualTo(10);
        assertThat(new RuleCatalog(Map.of("CONNSCOPE_RULE_CONNECTION_LEAK_STACK_PER_SECOND", "1000")).leakStacksPerSecond())
            .isEqualTo(1000);
    }

    @Test
    void rulesAreSwitchedAndTunedInAnySpellingAndMistakesAreReported() {
        RuleCatalog c = new RuleCatalog(Map.of(
            "connscope.rule.pipelining.enabled", "false",
            "connscope.rule.http-pipelining.enabled", "false",
            "connscope.rule.connection.leak.enabled", "FALSE",
            "connscope.rule.too-many-connections.limit", "ten",
            "connscope.rule.slow_setup.connect_ms", "50",
            "connscope.rule.slow-setup.tls.seconds", "1"));
        assertThat(c.ids()).contains("http-pipelining", "connection-leak");
        assertThat(c.exchangeRules()).extracting(Rule::id).doesNotContain("http-pipelining");
        assertThat(c.connectionRules()).extracting(Rule::id).doesNotContain("connection-leak").contains("slow-setup");
        assertThat(c.leakStackFrames()).isZero();
        assertThat(c.problems()).containsExactlyInAnyOrder(
            "setting connscope.rule.too-many-connections.limit='ten' is not a whole number >= 0; using the default 6",
            "unknown setting 'connscope.rule.pipelining.enabled' ignored (rules: " + String.join(", ", c.ids()) + ")",
            "unknown setting 'connscope.rule.slow.setup.tls.seconds' ignored (rules: " + String.join(", ", c.ids()) + ")");
    }
}
