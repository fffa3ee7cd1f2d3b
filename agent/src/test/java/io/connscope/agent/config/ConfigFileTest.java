package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @TempDir
    Path dir;

    private Path file(String content) throws Exception {
        Path f = dir.resolve("connscope.properties");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    /** The file is below the environment, which is below the system properties, which are below the agent arguments. */
    @Test
    void theFileIsBelowEveryOtherSource() throws Exception {
        Path f = file("# connscope\nreport.file=/from/file\nconnscope.max.destinations=7\nwarnings.per.minute=3\n"
            + "debug=true\notel.exporter.otlp.endpoint=http://file:4318\nrule.slow-setup.connect.ms=50\n");
        Properties props = new Properties();
        props.setProperty("connscope.config.file", f.toString());
        props.setProperty("connscope.max.destinations", "8");
        AgentConfig c = AgentConfig.load("warnings.per.minute=4", props,
            Map.of("CONNSCOPE_REPORT_FILE", "/from/env"));
        assertThat(c.problems()).isEmpty();
        assertThat(c.reportFile()).hasToString("/from/env");
        assertThat(c.maxDestinations()).isEqualTo(8);
        assertThat(c.warningsPerMinute()).isEqualTo(4);
        assertThat(c.debug()).isTrue();
        assertThat(c.otelFromConfigFile()).containsExactly(Map.entry("otel.exporter.otlp.endpoint", "http://file:4318"));
        assertThat(c.ruleSettings()).containsEntry("connscope.rule.slow-setup.connect.ms", "50");
    }

    @Test
    void aFileThatCannotBeReadIsOneProblemAndNoneOfItApplies() {
        AgentConfig c = AgentConfig.load("config.file=" + dir.resolve("missing.properties"), new Properties(), Map.of());
        assertThat(c.problems()).singleElement().asString()
            .startsWith("configuration file connscope.config.file='" + dir.resolve("missing.properties") + "' could not be read (")
            .endsWith("); none of its settings apply");
    }

    @Test
    void itsOwnBadValuesAndTyposAreSaidAsAnyOthersAndItIncludesNoOtherFile() throws Exception {
        Path f = file("max.connections=lots\nreport.flie=/x\nconfig.file=/other\n");
        AgentConfig c = AgentConfig.load("config.file=" + f, new Properties(), Map.of());
        assertThat(c.problems()).containsExactlyInAnyOrder(
            "configuration file '" + f + "' names another, connscope.config.file='/other'; ignored (files do not include files)",
            "setting connscope.max.connections='lots' is not a whole number; using the default '65536'",
            "unknown setting 'connscope.report.flie' ignored; did you mean connscope.report.file?");
    }
}
