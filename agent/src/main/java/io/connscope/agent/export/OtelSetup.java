package io.connscope.agent.export;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds connscope's private OpenTelemetry SDK with the standard autoconfiguration, so every
 * {@code OTEL_*} variable and {@code otel.*} property means what OpenTelemetry users expect. Two
 * differences in defaults: a signal whose exporter is not set exports over OTLP only when an OTLP
 * endpoint is configured, otherwise it is off (nothing leaves the JVM unless asked); and the SDK is
 * never registered as the global OpenTelemetry, which belongs to the application.
 */
public final class OtelSetup {

    private static final String[] SIGNALS = {"traces", "metrics", "logs"};

    private OtelSetup() {
    }

    public static OpenTelemetrySdk build(Map<String, String> agentArgOverrides, ClassLoader loader) {
        Map<String, String> defaults = defaults(System.getProperties(), System.getenv(), agentArgOverrides);
        return AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults)
            .addPropertiesCustomizer(config -> agentArgOverrides)
            .setServiceClassLoader(loader)
            .build()
            .getOpenTelemetrySdk();
    }

    /** Exporter defaults per signal: otlp when an OTLP endpoint is configured, else none. */
    static Map<String, String> defaults(Properties props, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> out = new HashMap<>();
        boolean anyEndpoint = isSet("otel.exporter.otlp.endpoint", props, env, overrides);
        for (String signal : SIGNALS) {
            boolean endpoint = anyEndpoint || isSet("otel.exporter.otlp." + signal + ".endpoint", props, env, overrides);
            out.put("otel." + signal + ".exporter", endpoint ? "otlp" : "none");
        }
        return out;
    }

    private static boolean isSet(String property, Properties props, Map<String, String> env, Map<String, String> overrides) {
        String envName = property.toUpperCase(Locale.ROOT).replace('.', '_');
        return notBlank(overrides.get(property)) || notBlank(props.getProperty(property)) || notBlank(env.get(envName));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
