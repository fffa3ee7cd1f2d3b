package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsWhenNothingIsSet() {
        AgentConfig c = AgentConfig.load(null, new Properties(), Map.of());
        assertThat(c.enabled()).isTrue();
        assertThat(c.reportEnabled()).isTrue();
        assertThat(c.reportFile()).isNull();
        assertThat(c.maxConnections()).isEqualTo(65536);
        assertThat(c.exportQueueSize()).isEqualTo(8192);
        assertThat(c.exchangeSpansRatio()).isEqualTo(0.01);
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void theInstrumentationCacheIsPerUserUnderTheTemporaryDirectoryUnlessMovedOrOff() {
        assertThat(AgentConfig.load(null, new Properties(), Map.of()).instrumentCacheDir()).isEqualTo(
            Paths.get(System.getProperty("java.io.tmpdir"), "connscope-" + System.getProperty("user.name")));
        assertThat(AgentConfig.load(null, new Properties(), Map.of("CONNSCOPE_INSTRUMENT_CACHE", "/var/cache/cs"))
            .instrumentCacheDir()).isEqualTo(Paths.get("/var/cache/cs"));
        assertThat(AgentConfig.load("instrument.cache=OFF", new Properties(), Map.of()).instrumentCacheDir()).isNull();
    }

    @Test
    void theExchangeSpanRatioIsAShareBetweenZeroAndOne() {
        assertThat(AgentConfig.load(null, new Properties(), Map.of("CONNSCOPE_EXCHANGE_SPANS_RATIO", "1"))
            .exchangeSpansRatio()).isEqualTo(1.0);
        AgentConfig bad = AgentConfig.load("exchange.spans.ratio=1.5", new Properties(), Map.of());
        assertThat(bad.exchangeSpansRatio()).isEqualTo(0.01);
        assertThat(bad.problems()).containsExactly(
            "setting connscope.exchange.spans.ratio='1.5' is not a ratio between 0 and 1; using the default '0.01'");
    }

    @Test
    void agentArgumentsBeatPropertiesWhichBeatEnvironment() {
        AgentConfig c = AgentConfig.load("report.file=/a", props("connscope.report.file", "/b", "connscope.max.connections", "7"),
            Map.of("CONNSCOPE_REPORT_FILE", "/c", "CONNSCOPE_MAX_CONNECTIONS", "9", "CONNSCOPE_EXPORT_QUEUE_SIZE", "11"));
        assertThat(c.reportFile()).isEqualTo(Paths.get("/a"));
        assertThat(c.maxConnections()).isEqualTo(7);
        assertThat(c.exportQueueSize()).isEqualTo(11);
    }

    @Test
    void agentArgumentsTakeKeysWithOrWithoutPrefixAndPassOtelKeysOn() {
        AgentConfig c = AgentConfig.load("connscope.enabled=false, debug=true ,otel.service.name=svc", new Properties(), Map.of());
        assertThat(c.enabled()).isFalse();
        assertThat(c.debug()).isTrue();
        assertThat(c.otelOverrides()).containsExactly(Map.entry("otel.service.name", "svc"));
    }

    @Test
    void everyBadValueGivesOneMessageAndTheDefault() {
        AgentConfig c = AgentConfig.load("max.connections=0,enabled=yes,bogus", props("connscope.nope", "1"),
            Map.of("CONNSCOPE_EXPORT_QUEUE_SIZE", "ten"));
        assertThat(c.maxConnections()).isEqualTo(65536);
        assertThat(c.enabled()).isTrue();
        assertThat(c.exportQueueSize()).isEqualTo(8192);
        assertThat(c.problems()).hasSize(5).contains(
            "agent argument 'bogus' is not key=value; ignored",
            "setting connscope.max.connections='0' must be a positive whole number; using the default '65536'",
            "setting connscope.enabled='yes' is not true or false; using the default 'true'",
            "setting connscope.export.queue.size='ten' is not a whole number; using the default '8192'")
            .anySatisfy(p -> assertThat(p).startsWith("unknown setting 'connscope.nope' ignored (known: connscope.enabled, ")
                .contains("connscope.report.file"));
    }

    @Test
    void reportSettingsAndRuleSettingsAreReadAndChecked() {
        AgentConfig c = AgentConfig.load("report.html=/tmp/r.html,report.port=8123,rule.slow-setup.connect.ms=50",
            props("connscope.warnings.per.minute", "3"), Map.of("CONNSCOPE_RULE_TOO_MANY_CONNECTIONS_LIMIT", "9"));
        assertThat(c.reportHtml()).hasToString("/tmp/r.html");
        assertThat(c.reportPort()).isEqualTo(8123);
        assertThat(c.warningsPerMinute()).isEqualTo(3);
        // Rule settings pass through untouched; the rule catalog checks them.
        assertThat(c.ruleSettings()).containsEntry("connscope.rule.slow-setup.connect.ms", "50")
            .containsEntry("connscope.rule.too.many.connections.limit", "9");
        assertThat(c.problems()).isEmpty();
        AgentConfig off = AgentConfig.load("report.port=70000", new Properties(), Map.of());
        assertThat(off.reportPort()).isEqualTo(-1);
        assertThat(off.problems()).singleElement().asString().contains("is not a port number (1-65535)");
    }

    @Test
    void reportFilesAreCheckedAtStartUpNotFoundWrongAtExit(@TempDir Path dir) throws IOException {
        Path plainFile = Files.writeString(dir.resolve("plain"), "");
        AgentConfig c = AgentConfig.load("report.file=" + dir + ",report.html=" + plainFile.resolve("sub/r.html"),
            new Properties(), Map.of());
        assertThat(c.reportFile()).isNull();
        assertThat(c.reportHtml()).isNull();
        assertThat(c.problems()).containsExactly(
            "setting connscope.report.file='" + dir + "' is a directory, not a file; using the default ''",
            "setting connscope.report.html='" + plainFile.resolve("sub/r.html") + "' cannot be created: " + plainFile
                + " is not a directory; using the default ''");
        AgentConfig fine = AgentConfig.load("report.file=" + dir.resolve("new/dirs/report.txt"), new Properties(), Map.of());
        assertThat(fine.problems()).isEmpty();
        assertThat(fine.reportFile()).isEqualTo(dir.resolve("new/dirs/report.txt"));
    }

    @Test
    void queriesAreCapturedOnlyWhenAskedFor() {
        assertThat(AgentConfig.load(null, new Properties(), Map.of()).captureQuery()).isFalse();
        assertThat(AgentConfig.load(null, new Properties(), Map.of("CONNSCOPE_CAPTURE_QUERY", "true")).captureQuery())
            .isTrue();
    }

    @Test
    void aBackslashKeepsACommaInsideAnAgentArgumentValue() {
        assertThat(AgentConfig.splitAgentArgs("a=1,b=2")).containsExactly("a=1", "b=2");
        assertThat(AgentConfig.splitAgentArgs("otel.resource.attributes=team=a\\,tier=b,debug=true"))
            .containsExactly("otel.resource.attributes=team=a,tier=b", "debug=true");
        assertThat(AgentConfig.splitAgentArgs("report.file=C:\\dir\\\\,debug=true"))
            .as("two backslashes before a comma: one backslash, then the separator")
            .containsExactly("report.file=C:\\dir\\", "debug=true");
        assertThat(AgentConfig.splitAgentArgs("report.file=\\\\server\\share\\r.txt"))
            .as("backslashes elsewhere are kept").containsExactly("report.file=\\\\server\\share\\r.txt");
        AgentConfig c = AgentConfig.load("otel.resource.attributes=team=a\\,tier=b", new Properties(), Map.of());
        assertThat(c.otelOverrides()).containsEntry("otel.resource.attributes", "team=a,tier=b");
    }

    @Test
    void anEmptyReportFileMeansStderr() {
        AgentConfig c = AgentConfig.load("report.file=", new Properties(), Map.of());
        assertThat(c.problems()).isEmpty();
        assertThat(c.reportFile()).isNull();
    }

    @Test
    void aReportFileThroughALinkIsRefusedAtStartUp(@TempDir Path dir) throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        AgentConfig c = AgentConfig.load("report.file=" + link.resolve("r.txt"), new Properties(), Map.of());
        assertThat(c.reportFile()).isNull();
        assertThat(c.problems()).singleElement().asString().contains("goes through a symbolic link, " + link)
            .contains("(" + real.toRealPath().resolve("r.txt") + ")");
    }

    @Test
    void theAnalysisMemoryBudgetIsASixteenthOfTheHeapBetweenOneAndSixtyFourMebibytesUnlessSet() {
        AgentConfig defaults = AgentConfig.load(null, new Properties(), Map.of());
        assertThat(defaults.maxAnalysisMemory(64L << 20)).isEqualTo(4L << 20);
        assertThat(defaults.maxAnalysisMemory(8L << 20)).isEqualTo(1L << 20);
        assertThat(defaults.maxAnalysisMemory(8L << 30)).isEqualTo(64L << 20);
        assertThat(AgentConfig.load("max.analysis.memory=16m", new Properties(), Map.of()).maxAnalysisMemory(1))
            .isEqualTo(16L << 20);
        assertThat(AgentConfig.load("max.analysis.memory=4096k", new Properties(), Map.of()).maxAnalysisMemory(1))
            .isEqualTo(4L << 20);
        AgentConfig bad = AgentConfig.load("max.analysis.memory=lots", new Properties(), Map.of());
        assertThat(bad.problems()).singleElement().asString()
            .contains("is not a number of bytes (such as 4194304, 4096k, 4m or 1g)");
        assertThat(bad.maxAnalysisMemory(64L << 20)).isEqualTo(4L << 20);
    }
}
