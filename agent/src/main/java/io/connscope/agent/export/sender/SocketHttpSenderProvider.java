package io.connscope.agent.export.sender;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * The OTLP/HTTP sender connscope's SDK uses, found by the SDK through {@code ServiceLoader}. It is
 * connscope's own rather than the SDK's java.net.http one because the OpenTelemetry Java agent
 * instruments java.net.http: beside connscope, that agent would trace every export connscope makes.
 */
public final class SocketHttpSenderProvider implements HttpSenderProvider {

    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        return new SocketHttpSender(config);
    }
}
