package io.connscope.agent.export;

import io.connscope.agent.runtime.AgentVersion;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.file.Paths;
import java.util.UUID;

/**
 * What connscope adds to the SDK's resource, as the OpenTelemetry Java agent does, so that Jaeger and
 * Grafana name the service rather than {@code unknown_service:java}: the service's name from the jar
 * the JVM runs (its file name, without ".jar") or else its main class (its simple name), when no
 * setting named it; a {@code service.instance.id} of this run; and connscope as the telemetry's
 * distribution, with its version. Settings ({@code otel.service.name}, {@code otel.resource.attributes})
 * win over all of it.
 */
final class ServiceResource {

    static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");
    static final AttributeKey<String> DISTRO_NAME = AttributeKey.stringKey("telemetry.distro.name");
    static final AttributeKey<String> DISTRO_VERSION = AttributeKey.stringKey("telemetry.distro.version");

    private ServiceResource() {
    }

    static Resource customize(Resource resource, ConfigProperties config) {
        AttributesBuilder b = Attributes.builder();
        String name = resource.getAttribute(SERVICE_NAME);
        if (name == null || name.startsWith("unknown_service")) {
            String derived = serviceName(System.getProperty("sun.java.command"));
            if (derived != null) {
                b.put(SERVICE_NAME, derived);
            }
        }
        if (resource.getAttribute(SERVICE_INSTANCE_ID) == null) {
            b.put(SERVICE_INSTANCE_ID, UUID.randomUUID().toString());
        }
        b.put(DISTRO_NAME, "connscope").put(DISTRO_VERSION, AgentVersion.get());
        return resource.merge(Resource.create(b.build()));
    }

    /**
     * The service's name from the JVM's command ({@code sun.java.command}: the jar or main class, then
     * the arguments), or null when there is none to take it from.
     */
    static String serviceName(String command) {
        if (command == null || command.isBlank()) {
            return null;
        }
        String first = command.trim().split("\\s+", 2)[0];
        if (first.endsWith(".jar")) {
            String file = Paths.get(first).getFileName().toString();
            return file.substring(0, file.length() - ".jar".length());
        }
        String main = first.substring(first.indexOf('/') + 1); // a module's main class: module/class
        String simple = main.substring(main.lastIndexOf('.') + 1);
        return simple.isEmpty() ? null : simple;
    }
}
