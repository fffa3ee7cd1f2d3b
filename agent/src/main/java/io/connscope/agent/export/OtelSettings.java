package io.connscope.agent.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code otel.*} settings resolved the way OpenTelemetry's autoconfiguration does, without loading the
 * SDK: start-up asks these before the SDK exists, or when it never will.
 */
public final class OtelSettings {

    static final String[] SIGNALS = {"traces", "metrics", "logs"};

    private OtelSettings() {
    }

    /** The OTLP endpoints configured for any signal. */
    public static List<String> otlpEndpoints(Map<String, String> agentArgOverrides, Map<String, String> fromConfigFile) {
        Map<String, String> env = environment(fromConfigFile);
        List<String> keys = new ArrayList<>();
        keys.add("otel.exporter.otlp.endpoint");
        for (String signal : SIGNALS) {
            keys.add("otel.exporter.otlp." + signal + ".endpoint");
        }
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            String value = setting(key, System.getProperties(), env, agentArgOverrides, null);
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    /** A setting as autoconfiguration resolves it: agent arguments, then system properties, then environment. */
    static String setting(String property, Properties props, Map<String, String> env,
                          Map<String, String> overrides, String fallback) {
        for (String value : new String[] {overrides.get(property), props.getProperty(property), env.get(envName(property))}) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return fallback;
    }

    static boolean isSet(String property, Properties props, Map<String, String> env, Map<String, String> overrides) {
        return setting(property, props, env, overrides, null) != null;
    }

    /**
     * The environment as the settings are looked up in it, with {@code connscope.config.file}'s
     * {@code otel.*} settings below it under their variables' names: every lookup then finds them
     * after the agent arguments, the system properties and the real environment, as a configuration
     * file's place is.
     */
    static Map<String, String> environment(Map<String, String> fromConfigFile) {
        if (fromConfigFile.isEmpty()) {
            return System.getenv();
        }
        Map<String, String> merged = new HashMap<>();
        fromConfigFile.forEach((k, v) -> merged.put(envName(k), v));
        merged.putAll(System.getenv());
        return merged;
    }

    private static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
