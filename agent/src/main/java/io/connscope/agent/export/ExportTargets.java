package io.connscope.agent.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What connscope exports and to where, in words, for the start-up line: resolved from the
 * {@code otel.*} settings as the SDK will resolve them, before it is built (or when it never is).
 * Signals going the same way are named together: "traces, metrics, logs over OTLP to
 * http://collector:4318".
 */
public final class ExportTargets {

    private ExportTargets() {
    }

    public static String describe(Map<String, String> agentArgOverrides, Map<String, String> fromConfigFile) {
        return describe(System.getProperties(), OtelSettings.environment(fromConfigFile), agentArgOverrides);
    }

    static String describe(Properties props, Map<String, String> env, Map<String, String> overrides) {
        if (OtelSetup.exportsNothing(props, env, overrides)) {
            return "nothing exported (no OTLP endpoint: set otel.exporter.otlp.endpoint)";
        }
        for (String file : new String[] {"otel.config.file", "otel.experimental.config.file"}) {
            String named = OtelSettings.setting(file, props, env, overrides, null);
            if (named != null) {
                return "export as " + file + "=" + named + " says";
            }
        }
        Map<String, String> defaults = OtelSetup.defaults(props, env, overrides);
        Map<String, List<String>> signalsByTarget = new LinkedHashMap<>();
        for (String signal : OtelSettings.SIGNALS) {
            String key = "otel." + signal + ".exporter";
            for (String exporter : OtelSettings.setting(key, props, env, overrides, defaults.get(key)).split(",")) {
                String target = target(signal, exporter.trim().toLowerCase(Locale.ROOT), props, env, overrides);
                if (target != null) {
                    signalsByTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(signal);
                }
            }
        }
        List<String> parts = new ArrayList<>();
        signalsByTarget.forEach((target, signals) -> parts.add(String.join(", ", signals) + " " + target));
        return "export: " + String.join("; ", parts);
    }

    /** Where one signal's exporter sends it, or null for none. */
    private static String target(String signal, String exporter, Properties props, Map<String, String> env,
                                 Map<String, String> overrides) {
        switch (exporter) {
            case "none":
            case "":
                return null;
            case "otlp": {
                String specific = OtelSettings.setting("otel.exporter.otlp." + signal + ".endpoint", props, env, overrides,
                    null);
                if (specific != null) {
                    return "over OTLP to " + specific.trim();
                }
                return "over OTLP to " + OtelSettings.setting("otel.exporter.otlp.endpoint", props, env, overrides,
                    "http://localhost:4318").trim();
            }
            case "prometheus":
                return "on a Prometheus endpoint at "
                    + OtelSettings.setting("otel.exporter.prometheus.host", props, env, overrides, "0.0.0.0").trim() + ":"
                    + OtelSettings.setting("otel.exporter.prometheus.port", props, env, overrides, "9464").trim();
            case "console":
            case "logging":
            case "logging-otlp":
                return "to the " + exporter + " exporter";
            default:
                return "to the '" + exporter + "' exporter";
        }
    }
}
