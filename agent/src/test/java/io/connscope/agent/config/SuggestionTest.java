package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SuggestionTest {

    @Test
    void aMisspeltNameGetsTheKnownOneItWasMeantToBe() {
        List<String> known = List.of("connscope.report.file", "connscope.report.html", "connscope.debug");
        assertThat(Suggestion.closest("connscope.report.flie", known)).isEqualTo("connscope.report.file");
        assertThat(Suggestion.closest("connscope.reportfile", known)).isEqualTo("connscope.report.file");
        assertThat(Suggestion.closest("connscope.dbug", known)).isEqualTo("connscope.debug");
        assertThat(Suggestion.closest("connscope.something.else.entirely", known)).isNull();
        assertThat(Suggestion.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void theSettingsProblemSaysIt() {
        AgentConfig c = AgentConfig.load("report.flie=/tmp/x,unknown.thing=1", new Properties(), Map.of());
        assertThat(c.problems()).containsExactly(
            "unknown setting 'connscope.report.flie' ignored; did you mean connscope.report.file?",
            "unknown setting 'connscope.unknown.thing' ignored (known: " + String.join(", ", AgentConfig.names()) + ")");
    }

    @Test
    void connscopesOwnSystemPropertiesAreNotSettings() {
        Properties p = new Properties();
        p.setProperty("connscope.running", "1.0");
        p.setProperty("connscope.attach.outcome.1234", "DONE");
        assertThat(AgentConfig.load("", p, Map.of()).problems()).isEmpty();
    }
}
