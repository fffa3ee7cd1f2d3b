package io.connscope.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.config.AgentConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StartupLineTest {

    private static AgentConfig config(String args) {
        return AgentConfig.load(args, new Properties(), Map.of());
    }

    @Test
    void itSaysTheVersionWhereTheReportGoesAndWhatIsExported() {
        assertThat(StartupLine.text(config(""), "1.2.3", -1, "nothing exported (x)"))
            .isEqualTo("connscope 1.2.3: report at exit to stderr; nothing exported (x) (connscope.banner=false silences this)");
        assertThat(StartupLine.text(config("report.file=/tmp/r.txt,report.html=/tmp/r.html"), "1.2.3", 7070,
            "export: traces over OTLP to http://c:4318")).isEqualTo("connscope 1.2.3: report at exit to /tmp/r.txt, HTML"
            + " report to /tmp/r.html; live report on http://127.0.0.1:7070/; export: traces over OTLP to http://c:4318"
            + " (connscope.banner=false silences this)");
        assertThat(StartupLine.text(config("report.enabled=false"), "1.2.3", -1, "nothing exported (x)"))
            .startsWith("connscope 1.2.3: no report at exit (connscope.report.enabled=false); nothing exported");
    }
}
