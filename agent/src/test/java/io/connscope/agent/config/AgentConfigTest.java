package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

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
        assertThat(c.failingHooks()).isEmpty();
        assertThat(c.problems()).isEmpty();
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
    void failingHooksAreValidatedAgainstTheHookNames() {
        AgentConfig ok = AgentConfig.load("test.failing.hooks=read;close", new Properties(), Map.of());
        assertThat(ok.failingHooks()).containsExactly("read", "close");
        AgentConfig bad = AgentConfig.load("test.failing.hooks=read;typo", new Properties(), Map.of());
        assertThat(bad.failingHooks()).isEmpty();
        assertThat(bad.problems()).singleElement().asString().contains("unknown hook 'typo'");
    }
}
