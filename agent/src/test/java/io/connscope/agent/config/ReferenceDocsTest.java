package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.diagnose.RuleCatalog;
import io.connscope.bridge.Bridge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The reference docs name what the code has: every setting, every hook, every rule, no more and no fewer. */
class ReferenceDocsTest {

    private static final Path DOCS = Paths.get("..", "docs");

    private static String doc(String name) throws IOException {
        return Files.readString(DOCS.resolve(name));
    }

    @Test
    void everySettingHasItsRowInTheSettingsTableAndEveryRowIsASetting() throws IOException {
        List<String> rows = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `(connscope\\.[a-z.]+)` \\|").matcher(doc("settings.md"));
        while (m.find()) {
            rows.add(m.group(1));
        }
        assertThat(rows).containsExactlyInAnyOrderElementsOf(AgentConfig.names());
    }

    @Test
    void theHooksTheSettingsNameAreTheBridges() throws IOException {
        Matcher row = Pattern.compile("(?m)^\\| `connscope\\.hook\\.max\\.failures` .*The hooks, as the log and the report"
            + " name them: (.*)\\. \\|$").matcher(doc("settings.md"));
        assertThat(row.find()).as("the hook.max.failures row lists the hooks").isTrue();
        List<String> documented = new ArrayList<>();
        Matcher name = Pattern.compile("`([a-z-]+)`").matcher(row.group(1));
        while (name.find()) {
            documented.add(name.group(1));
        }
        List<String> bridge = new ArrayList<>();
        for (int hook = 0; hook < Bridge.HOOK_COUNT; hook++) {
            bridge.add(Bridge.hookName(hook));
        }
        assertThat(documented).containsExactlyElementsOf(bridge);
    }

    @Test
    void everyRuleIsDocumentedUnderItsId() throws IOException {
        String rules = doc("rules.md");
        assertThat(new RuleCatalog(Map.of()).ids()).allSatisfy(id -> assertThat(rules).contains("`" + id + "`"));
    }
}
