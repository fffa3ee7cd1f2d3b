package io.connscope.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code connscope.config.file}: settings in a properties file (UTF-8), in the spirit of the
 * OpenTelemetry Java agent's {@code otel.javaagent.configuration-file}. Its place is below every
 * other source: agent arguments, then system properties, then the environment, then the file. Keys
 * are written as in agent arguments: {@code connscope.report.file} or {@code report.file}, and
 * {@code otel.*} for the OpenTelemetry SDK.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * Adds the file's settings that no other source gave: {@code connscope.*} ones to {@code raw},
     * {@code otel.*} ones to {@code otel}. A file that cannot be read is one problem, and none of it
     * applies.
     */
    static void read(String location, Map<String, String> raw, Map<String, String> otel, List<String> problems) {
        Path file = Paths.get(location.trim());
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            settings.load(in);
        } catch (IOException | RuntimeException e) {
            problems.add("configuration file " + AgentConfig.CONFIG_FILE + "='" + location + "' could not be read ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); none of its settings apply");
            return;
        }
        for (String key : settings.stringPropertyNames()) {
            String value = settings.getProperty(key).trim();
            if (key.startsWith("otel.")) {
                otel.putIfAbsent(key, value);
                continue;
            }
            String full = key.startsWith("connscope.") ? key : "connscope." + key;
            if (full.equals(AgentConfig.CONFIG_FILE)) {
                problems.add("configuration file '" + location + "' names another, " + full + "='" + value
                    + "'; ignored (files do not include files)");
            } else {
                raw.putIfAbsent(full, value);
            }
        }
    }
}
