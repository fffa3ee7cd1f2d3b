package io.connscope.agent.export;

import io.connscope.agent.connection.NameLookup;
import io.connscope.agent.pipeline.ConnectionEnded;
import io.connscope.agent.pipeline.ConnectionSnapshot;
import io.connscope.agent.pipeline.EventSink;
import io.connscope.agent.pipeline.ExchangeFinished;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.runtime.AgentThreads;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The OpenTelemetry sink: builds the SDK on the pipeline thread (so the host's start-up never waits
 * for it, and the threads the SDK starts join the agent's group), exports each event, and flushes at
 * exit within the deadline. Without a configured exporter, or when the SDK fails to start, the events
 * are dropped here and the other sinks still get them.
 */
public final class OtelSink implements EventSink {

    private final Supplier<OpenTelemetrySdk> sdkFactory;
    private final Function<OpenTelemetrySdk, ConnectionTelemetry> instruments;
    /** connscope built the SDK and shuts it down at exit; else it is the OpenTelemetry Java agent's, left to it. */
    private final boolean owned;
    private volatile OpenTelemetrySdk sdk;
    private volatile ConnectionTelemetry telemetry;
    private volatile boolean started;
    private volatile ThreadGroup group;

    /**
     * @param sdkFactory  builds the SDK, or returns null when nothing is to be exported
     * @param instruments creates the metric instruments on the SDK
     * @param owned       whether the SDK is connscope's own, to shut down at exit, or a host agent's, left to it
     */
    public OtelSink(Supplier<OpenTelemetrySdk> sdkFactory, Function<OpenTelemetrySdk, ConnectionTelemetry> instruments,
                    boolean owned) {
        this.sdkFactory = sdkFactory;
        this.instruments = instruments;
        this.owned = owned;
    }

    @Override
    public void start() {
        group = Thread.currentThread().getThreadGroup();
        try {
            OpenTelemetrySdk built = sdkFactory.get();
            if (built != null) {
                telemetry = instruments.apply(built);
                sdk = built;
            }
        } catch (Throwable t) {
            AgentLog.once("telemetry-init", "telemetry setup failed, nothing is exported (the report still works): " + t, t);
        } finally {
            started = true;
        }
    }

    @Override
    public void exchangeFinished(ExchangeFinished event) {
        ConnectionTelemetry out = telemetry;
        if (out != null) {
            out.export(event);
        }
    }

    @Override
    public void connectionEnded(ConnectionEnded event) {
        ConnectionTelemetry out = telemetry;
        if (out != null) {
            out.export(event.connection(), event.warnings());
        }
    }

    @Override
    public void nameLookedUp(NameLookup lookup) {
        ConnectionTelemetry out = telemetry;
        if (out != null) {
            out.export(lookup);
        }
    }

    @Override
    public void connectionsOpen(List<ConnectionSnapshot> snapshots) {
        ConnectionTelemetry out = telemetry;
        if (out != null) {
            out.export(snapshots);
        }
    }

    /**
     * OpenTelemetrySdk.shutdown() partly blocks (the metric reader waits up to 10 s for its last
     * export) and partly completes later (spans), so a daemon thread waits for both and the JVM may
     * abandon it once the deadline has passed. A host agent's SDK is left to that agent.
     */
    @Override
    public void stop(long deadlineNanos, long timeoutMillis, String budget) {
        if (!started) {
            AgentLog.info("the OpenTelemetry SDK was not ready within " + timeoutMillis + " ms (" + budget
                + "); this run's telemetry is not exported, the report is still written");
            return;
        }
        OpenTelemetrySdk built = sdk;
        if (built == null || telemetry == null) {
            return; // nothing to flush: no exporter configured, or the SDK failed to start (logged then)
        }
        if (!owned) {
            // A host agent's SDK: its own exit hook flushes and shuts it down, before or after this one. A flush
            // from here would wait out the whole budget on an SDK already shut down.
            return;
        }
        ThreadGroup g = group;
        Thread flush = new Thread(g != null ? g : Thread.currentThread().getThreadGroup(),
            () -> built.shutdown().join(timeoutMillis, TimeUnit.MILLISECONDS), "connscope-flush");
        flush.setDaemon(true);
        flush.start();
        AgentThreads.joinUntil(flush, deadlineNanos);
        if (flush.isAlive()) {
            AgentLog.info("telemetry flush did not finish within " + timeoutMillis + " ms (" + budget
                + "); the collector is slow or unreachable and the rest is dropped");
        }
    }
}
