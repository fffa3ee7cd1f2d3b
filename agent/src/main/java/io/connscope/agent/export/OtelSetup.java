package io.connscope.agent.export;

import io.connscope.agent.runtime.AgentLog;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Builds connscope's private OpenTelemetry SDK with the standard autoconfiguration, so every
 * {@code OTEL_*} variable and {@code otel.*} property means what OpenTelemetry users expect. Two
 * differences in defaults: a signal whose exporter is not set exports over OTLP only when an OTLP
 * endpoint is configured, otherwise it is off (nothing leaves the JVM unless asked); OTLP defaults to
 * http/protobuf, the only protocol bundled; and the SDK is never registered as the global
 * OpenTelemetry, which belongs to the application.
 */
public final class OtelSetup {

    private static final String[] SIGNALS = OtelSettings.SIGNALS;
    /** Declarative configuration files, which configure exporters their own way. */
    private static final String[] CONFIG_FILES = {"otel.config.file", "otel.experimental.config.file"};
    private static final String HTTP_PROTOBUF = "http/protobuf";

    private OtelSetup() {
    }

    /**
     * @param agentArgOverrides {@code otel.*} agent arguments, above every other source
     * @param fromConfigFile {@code otel.*} settings of {@code connscope.config.file}, below every other source
     */
    public static OpenTelemetrySdk build(Map<String, String> agentArgOverrides, Map<String, String> fromConfigFile,
                                         ClassLoader loader, ExportHealth health) {
        Map<String, String> defaults = defaults(System.getProperties(), OtelSettings.environment(fromConfigFile),
            agentArgOverrides);
        AutoConfiguredOpenTelemetrySdkBuilder builder = AutoConfiguredOpenTelemetrySdk.builder();
        health.customize(builder);
        return builder
            .addPropertiesSupplier(() -> defaults)
            .addPropertiesSupplier(() -> fromConfigFile) // after the defaults, below properties and environment
            .addPropertiesCustomizer(config -> {
                Map<String, String> out = new HashMap<>(agentArgOverrides);
                out.putAll(protocolFallbacks(config::getString));
                out.putAll(shippedProviderNames(key -> agentArgOverrides.getOrDefault(key, config.getString(key)),
                    ORIGINAL_PREFIX, SHIPPED_PREFIX));
                return out;
            })
            .addResourceCustomizer(ServiceResource::customize)
            .setServiceClassLoader(loader)
            // connscope's exit hook exports the last connections and then shuts the SDK down itself.
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    }

    /**
     * True when the SDK would export nothing: the SDK is disabled, or every signal's exporter
     * resolves to none (as without an OTLP endpoint) and no configuration file is named. Then the
     * SDK is not built at all: its classes and threads would only cost the host's start-up.
     */
    public static boolean exportsNothing(Map<String, String> agentArgOverrides, Map<String, String> fromConfigFile) {
        return exportsNothing(System.getProperties(), OtelSettings.environment(fromConfigFile), agentArgOverrides);
    }

    static boolean exportsNothing(Properties props, Map<String, String> env, Map<String, String> overrides) {
        if ("true".equalsIgnoreCase(OtelSettings.setting("otel.sdk.disabled", props, env, overrides, "false").trim())) {
            return true;
        }
        for (String file : CONFIG_FILES) {
            if (OtelSettings.isSet(file, props, env, overrides)) {
                return false;
            }
        }
        Map<String, String> defaults = defaults(props, env, overrides);
        for (String signal : SIGNALS) {
            String key = "otel." + signal + ".exporter";
            if (!"none".equalsIgnoreCase(OtelSettings.setting(key, props, env, overrides, defaults.get(key)).trim())) {
                return false;
            }
        }
        return true;
    }

    /** The OpenTelemetry classes' package prefix, built so that the jar's relocation does not rewrite it. */
    static final String ORIGINAL_PREFIX = String.join(".", "io", "opentelemetry") + ".";
    /** The same prefix as connscope's jar has it: relocated there, unchanged in a build from source. */
    static final String SHIPPED_PREFIX =
        Resource.class.getName().substring(0, Resource.class.getName().length() - "sdk.resources.Resource".length());

    /**
     * The resource providers to enable or disable, named as their documentation names them
     * ({@code io.opentelemetry.instrumentation.resources.HostResourceProvider}), also under the name
     * they have in connscope's jar, where the SDK compares them.
     */
    static Map<String, String> shippedProviderNames(Function<String, String> config, String original, String shipped) {
        Map<String, String> out = new HashMap<>();
        if (original.equals(shipped)) {
            return out;
        }
        for (String key : List.of("otel.java.enabled.resource.providers", "otel.java.disabled.resource.providers")) {
            String value = config.apply(key);
            if (value == null || !value.contains(original)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (String name : value.split(",")) {
                names.add(name.trim());
                if (name.trim().startsWith(original)) {
                    names.add(shipped + name.trim().substring(original.length()));
                }
            }
            out.put(key, String.join(",", names));
        }
        return out;
    }

    /**
     * OTLP over gRPC needs OkHttp or grpc-java, which connscope does not bundle: a request for it is
     * answered with one clear message and http/protobuf instead.
     */
    static Map<String, String> protocolFallbacks(Function<String, String> config) {
        Map<String, String> out = new HashMap<>();
        List<String> keys = new ArrayList<>();
        keys.add("otel.exporter.otlp.protocol");
        for (String signal : SIGNALS) {
            keys.add("otel.exporter.otlp." + signal + ".protocol");
        }
        for (String key : keys) {
            String value = config.apply(key);
            if (value != null && value.trim().equalsIgnoreCase("grpc")) {
                AgentLog.info(key + "=grpc is not supported: connscope bundles only the http/protobuf OTLP sender"
                    + " (gRPC would drag OkHttp or grpc-java into your JVM); using http/protobuf, so point the endpoint"
                    + " at the collector's OTLP/HTTP port (usually 4318)");
                out.put(key, HTTP_PROTOBUF);
            }
        }
        return out;
    }

    /**
     * Defaults below every user setting: OTLP over http/protobuf, and per signal the otlp exporter
     * when an OTLP endpoint is configured, else none.
     */
    static Map<String, String> defaults(Properties props, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> out = new HashMap<>();
        out.put("otel.exporter.otlp.protocol", HTTP_PROTOBUF);
        boolean anyEndpoint = OtelSettings.isSet("otel.exporter.otlp.endpoint", props, env, overrides);
        for (String signal : SIGNALS) {
            boolean endpoint = anyEndpoint || OtelSettings.isSet("otel.exporter.otlp." + signal + ".endpoint", props, env, overrides);
            out.put("otel." + signal + ".exporter", endpoint ? "otlp" : "none");
        }
        return out;
    }
}
