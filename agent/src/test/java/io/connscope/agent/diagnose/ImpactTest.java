package io.connscope.agent.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ImpactTest {

    /** A new rule must be placed in the order of harm: the reports list warnings by it. */
    @Test
    void everyRuleOfTheCatalogHasItsPlaceInTheOrderOfHarm() {
        assertThat(new RuleCatalog(Map.of()).ids()).isNotEmpty().allSatisfy(id -> assertThat(Impact.lists(id)).as(id).isTrue());
        assertThat(Impact.of(UnsafeResendRule.ID)).isEqualTo(Impact.DATA);
        assertThat(Impact.of(NagleDelayedAckRule.ID)).isEqualTo(Impact.LATENCY);
        assertThat(Impact.of("a-rule-nobody-wrote")).isEqualTo(Impact.HYGIENE);
        assertThat(Impact.lists("a-rule-nobody-wrote")).isFalse();
    }
}
