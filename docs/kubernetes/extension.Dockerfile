# An image that only carries connscope-otel-extension.jar, for the OpenTelemetry Operator: the
# Instrumentation resource (instrumentation.yaml) names it, and the operator copies its /extensions
# directory next to the OpenTelemetry Java agent and sets OTEL_JAVAAGENT_EXTENSIONS.
FROM busybox
COPY --chmod=444 connscope-otel-extension.jar /extensions/connscope-otel-extension.jar
