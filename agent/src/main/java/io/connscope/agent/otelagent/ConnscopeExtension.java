package io.connscope.agent.otelagent;

import io.connscope.agent.ConnscopeAgent;
import io.connscope.agent.runtime.AgentLog;
import io.opentelemetry.javaagent.extension.AgentListener;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.lang.instrument.Instrumentation;

/**
 * connscope as an extension of the OpenTelemetry Java agent
 * ({@code -javaagent:opentelemetry-javaagent.jar -Dotel.javaagent.extensions=connscope-otel-extension.jar}).
 * That agent calls this once it has built its SDK, before the application's main method: connscope
 * then starts as with {@code -javaagent}, but exports through that SDK (its exporters, resource,
 * sampler and {@code OTEL_*} settings) and starts no SDK, exporter or endpoint of its own. The
 * {@link Instrumentation} comes from that agent's bootstrap holder, the only place an extension can
 * reach it.
 */
public final class ConnscopeExtension implements AgentListener {

    /** The OpenTelemetry agent's holder of its Instrumentation, in the bootstrap class loader. */
    private static final String INSTRUMENTATION_HOLDER = "io.opentelemetry.javaagent.bootstrap.InstrumentationHolder";

    @Override
    public void afterAgent(AutoConfiguredOpenTelemetrySdk sdk) {
        try {
            Class<?> holder = Class.forName(INSTRUMENTATION_HOLDER, false, null);
            Instrumentation inst = (Instrumentation) holder.getMethod("getInstrumentation").invoke(null);
            if (inst == null) {
                AgentLog.info("connscope is not started: the OpenTelemetry Java agent gave it no Instrumentation");
                return;
            }
            ConnscopeAgent.startInHost(inst, sdk.getOpenTelemetrySdk());
        } catch (Throwable t) {
            AgentLog.info("connscope failed to start as an OpenTelemetry Java agent extension and is inactive; the"
                + " application continues: " + t);
        }
    }
}
