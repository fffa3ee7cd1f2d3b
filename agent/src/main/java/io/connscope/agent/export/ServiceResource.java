package io.connscope.agent.export;

import io.connscope.agent.runtime.AgentVersion;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What connscope adds to the SDK's resource, as the OpenTelemetry Java agent does, so that Jaeger and
 * Grafana name the service rather than {@code unknown_service:java}: the service's name from the jar
 * the JVM runs (its file name, without ".jar") or else its main class (its simple name), when no
 * setting named it; a {@code service.instance.id} of this run; and connscope as the telemetry's
 * distribution, with its version. Settings ({@code otel.service.name}, {@code otel.resource.attributes})
 * win over all of it. The SDK's process provider gives the command line; connscope hides what it may
 * carry that is secret: the options of every {@code -javaagent} (connscope's own can hold
 * {@code otel.exporter.otlp.headers}), and the values of system properties named like a secret.
 */
final class ServiceResource {

    static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");
    static final AttributeKey<String> DISTRO_NAME = AttributeKey.stringKey("telemetry.distro.name");
    static final AttributeKey<String> DISTRO_VERSION = AttributeKey.stringKey("telemetry.distro.version");
    static final AttributeKey<String> COMMAND_LINE = AttributeKey.stringKey("process.command_line");
    static final AttributeKey<List<String>> COMMAND_ARGS = AttributeKey.stringArrayKey("process.command_args");
    /** A system property whose value is hidden: its name says secret, or it carries credentials (headers). */
    private static final Pattern SECRET_PROPERTY =
        Pattern.compile("(-D[^=]*(?i:password|passwd|secret|token|credential|auth|header|key)[^=]*=).*");
    private static final Pattern AGENT_OPTIONS = Pattern.compile("(-javaagent:[^=]*=).*");

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
        String line = resource.getAttribute(COMMAND_LINE);
        if (line != null) {
            b.put(COMMAND_LINE, hiddenIn(line, ManagementFactory.getRuntimeMXBean().getInputArguments()));
        }
        List<String> args = resource.getAttribute(COMMAND_ARGS);
        if (args != null) {
            b.put(COMMAND_ARGS, args.stream().map(ServiceResource::hidden).collect(Collectors.toList()));
        }
        return resource.merge(Resource.create(b.build()));
    }

    /**
     * A command line with each of the JVM's arguments hidden as {@link #hidden} hides it: found whole in
     * the line, as the provider joined the arguments with spaces and one with spaces cannot be split back.
     */
    static String hiddenIn(String line, List<String> jvmArguments) {
        String out = line;
        for (String arg : jvmArguments) {
            String h = hidden(arg);
            if (!h.equals(arg)) {
                out = out.replace(arg, h);
            }
        }
        return out;
    }

    /** A command-line argument, with an agent's options or a secret property's value replaced by {@code ***}. */
    static String hidden(String arg) {
        String a = AGENT_OPTIONS.matcher(arg).replaceFirst("$1***");
        return SECRET_PROPERTY.matcher(a).replaceFirst("$1***");
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
