package io.connscope.agent;

import io.connscope.agent.config.AgentConfig;
import io.connscope.agent.config.AttachOutcome;
import io.connscope.agent.connection.CallSites;
import io.connscope.agent.connection.ConnectionRegistry;
import io.connscope.agent.connection.ConnectionTracker;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.FollowScope;
import io.connscope.agent.connection.NameTable;
import io.connscope.agent.connection.TelemetryEndpoints;
import io.connscope.agent.diagnose.Diagnosis;
import io.connscope.agent.diagnose.RuleCatalog;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.export.AnalysisMemoryMetrics;
import io.connscope.agent.export.ConnectionTelemetry;
import io.connscope.agent.export.ExportHealth;
import io.connscope.agent.export.ExportTargets;
import io.connscope.agent.export.ExporterLogging;
import io.connscope.agent.export.OtelSettings;
import io.connscope.agent.export.OtelSetup;
import io.connscope.agent.export.OtelSink;
import io.connscope.agent.export.UnfollowedStacksMetric;
import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.instrument.Instrumenter;
import io.connscope.agent.instrument.JdkInternals;
import io.connscope.agent.instrument.SocketPath;
import io.connscope.agent.jfr.JfrSink;
import io.connscope.agent.pipeline.EventPipeline;
import io.connscope.agent.pipeline.SnapshotSchedule;
import io.connscope.agent.pipeline.EventQueue;
import io.connscope.agent.pipeline.EventSink;
import io.connscope.agent.report.ReportServer;
import io.connscope.agent.report.ReportWriter;
import io.connscope.agent.report.StartupLine;
import io.connscope.agent.report.Timeline;
import io.connscope.agent.resp.RespProtocol;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.runtime.AgentThreads;
import io.connscope.agent.runtime.AgentVersion;
import io.connscope.agent.runtime.Clock;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireProtocol;
import io.connscope.bridge.Bridge;
import io.connscope.bridge.ConnectionSink;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Wires the agent together once the bridge is on the bootstrap class path. */
final class AgentInstaller {

    /** Rule/destination pairs the report keeps apart; further ones are only counted. */
    private static final int MAX_WARNING_GROUPS = 200;
    /** Failed request attempts remembered at once for resend detection. */
    private static final int MAX_FAILED_ATTEMPTS = 1024;
    /** The protocols followed besides HTTP, the default: each is chosen by a connection's first bytes. */
    private static final List<WireProtocol> PROTOCOLS = List.of(new RespProtocol());

    /** The agent as installed in this JVM, or null: set once started, cleared by a detach. */
    private static volatile Running running;

    private AgentInstaller() {
    }

    static boolean isRunning() {
        return running != null;
    }

    /**
     * Stops all tracking and export in this JVM, as at exit: the connections still open are ended as
     * open at exit, everything is flushed and the report is written. Then the JDK classes are given
     * back their original bytecode, best effort.
     */
    static synchronized void detach() {
        Running r = running;
        if (r == null) {
            AgentLog.info("detach: connscope is not running in this JVM");
            return;
        }
        running = null;
        try {
            Runtime.getRuntime().removeShutdownHook(r.hook);
        } catch (IllegalStateException exiting) {
            return; // the JVM is exiting: the hook is running already
        }
        r.stopWithin();
        r.instrumenter.uninstall(r.inst);
        System.clearProperty(AttachOutcome.RUNNING);
        AgentLog.info("detached: tracking and export stopped");
    }

    private static final class Running {
        final Instrumentation inst;
        final Instrumenter instrumenter;
        final AgentThreads threads;
        final Runnable stop;
        final long timeoutMillis;
        final Thread hook;

        Running(Instrumentation inst, Instrumenter instrumenter, AgentThreads threads, Runnable stop, long timeoutMillis) {
            this.inst = inst;
            this.instrumenter = instrumenter;
            this.threads = threads;
            this.stop = stop;
            this.timeoutMillis = timeoutMillis;
            this.hook = new Thread(threads, this::stopWithin, "connscope-shutdown");
        }

        /**
         * Stops connscope as at exit, waiting at most connscope.shutdown.timeout.ms: what is still
         * running then (a collector that does not answer, an application stderr that blocks) is left
         * on a daemon thread, and the JVM exits all the same. Nothing is written to stderr from here,
         * since stderr may be what blocks.
         */
        void stopWithin() {
            threads.runBounded("connscope-exit", stop, timeoutMillis);
        }
    }

    /**
     * @param attached loaded into a running JVM: connections already open are followed from their next I/O
     * @param hostSdk   the OpenTelemetry Java agent's SDK, when connscope runs as its extension: connscope
     *                  exports through it and starts no SDK of its own; else null
     * @return the settings rejected (each said on stderr too), for the attach command
     */
    static synchronized List<String> install(String args, Instrumentation inst, boolean attached,
                                             OpenTelemetrySdk hostSdk) {
        long started = System.nanoTime();
        AgentConfig config = AgentConfig.load(args, System.getProperties(), System.getenv());
        AgentLog.setDebug(config.debug());
        Instrumenter instrumenter = new Instrumenter(SocketPath.legacy(), config.instrumentCacheDir());
        long instrumentMillis = 0;
        if (!attached) {
            // Before anything of connscope's own start-up loads a JDK class it instruments: a class loaded
            // after the transformer is in place comes to it as the runtime image's class file, which is what
            // the instrumentation cache (and `prepare`) hold. One loaded before can only be retransformed,
            // from bytes the JVM rebuilds out of the loaded class, which differ with what it has done since.
            // No application thread runs yet, so no hook fires before the bridge has its sink. (An attach
            // installs it after the bridge: the application's threads are doing I/O.)
            long instrumentStart = System.nanoTime();
            instrumenter.install(inst);
            instrumentMillis = (System.nanoTime() - instrumentStart) / 1_000_000;
        }
        try {
            return start(config, instrumenter, instrumentMillis, inst, attached, started, hostSdk);
        } catch (Throwable t) {
            // Started halfway: the JDK classes get their own bytecode back, so that nothing is left behind
            // (an attach after this one would otherwise weave them twice).
            try {
                instrumenter.uninstall(inst);
            } catch (Throwable ignored) {
                // best effort: the advice left behind calls into a bridge with no sink, which returns at once
            }
            throw t;
        }
    }

    private static List<String> start(AgentConfig config, Instrumenter instrumenter, long instrumentMillisBefore,
                                      Instrumentation inst, boolean attached, long started, OpenTelemetrySdk hostSdk) {
        long instrumentMillis = instrumentMillisBefore;
        RuleCatalog rules = new RuleCatalog(config.ruleSettings());
        List<String> problems = new ArrayList<>(config.problems());
        problems.addAll(rules.problems());
        for (String problem : problems) {
            AgentLog.info(problem);
        }
        // Every thread connscope starts, and every thread those threads start (the OTLP sender's and
        // the Prometheus endpoint's included), lives in this group: the bridge ignores their connections.
        AgentThreads group = new AgentThreads();

        JdkInternals jdk = JdkInternals.open(inst);
        EventQueue queue = new EventQueue(config.exportQueueSize());
        Destinations destinations = new Destinations(config.maxDestinations());
        ConnectionRegistry registry = new ConnectionRegistry(config.maxConnections());
        WarningLog warnings = new WarningLog(MAX_WARNING_GROUPS, config.warningsPerMinute());
        Diagnosis diagnosis = new Diagnosis(rules, warnings);
        ResendDetector resends = new ResendDetector(MAX_FAILED_ATTEMPTS,
            TimeUnit.MILLISECONDS.toNanos(config.resendWindowMillis()));
        AnalysisMemory analysisMemory = new AnalysisMemory(config.maxAnalysisMemory(Runtime.getRuntime().maxMemory()));
        NameTable names = new NameTable();
        ConnectionTracker tracker = new ConnectionTracker(registry, destinations, jdk, queue, resends,
            new CallSites(rules.leakStackFrames(), rules.leakStacksPerSecond()),
            new FollowScope(collectors(config), config.followRules()), analysisMemory, rules.nagleBand(), PROTOCOLS,
            names);
        if (attached) {
            tracker.adoptOpenConnections();
        }
        // Only the HTML reports draw the waterfall: without them, nothing is kept for it.
        Timeline timeline = config.reportHtml() != null || config.reportPort() >= 0
            ? new Timeline(config.reportConnections()) : Timeline.none();
        ExportHealth exportHealth = new ExportHealth(queue);
        if (hostSdk != null) {
            exportHealth.exportsThroughHost();
        } else {
            // Before the SDK is built, so that nothing it says reaches the application's log. A host agent's SDK
            // logs as that agent decides.
            ExporterLogging.install(exportHealth);
        }
        Clock clock = new Clock();
        Function<OpenTelemetrySdk, ConnectionTelemetry> instruments = sdk -> {
            AnalysisMemoryMetrics.register(ConnectionTelemetry.meter(sdk), analysisMemory);
            UnfollowedStacksMetric.register(ConnectionTelemetry.meter(sdk));
            return new ConnectionTelemetry(sdk, clock, destinations, exportHealth, warnings, registry::open,
                config.exchangeSpansRatio(), config.captureQuery(), config.metricsPerDestination());
        };
        OtelSink otel = hostSdk != null ? new OtelSink(() -> hostSdk, instruments, false)
            : new OtelSink(() -> buildSdk(config, exportHealth), instruments, true);
        // The sinks, in the order each event reaches them. JFR's costs nothing until a recording runs.
        List<EventSink> sinks = new ArrayList<>(List.of(timeline, otel));
        EventSink jfr = JfrSink.ifAvailable(clock);
        if (jfr != null) {
            sinks.add(jfr);
        }
        SnapshotSchedule snapshots = new SnapshotSchedule(config.snapshotIntervalMillis(), config.snapshotMax(), System.nanoTime());
        exportHealth.snapshots(snapshots);
        EventPipeline pipeline = new EventPipeline(queue, tracker.housekeeping(), diagnosis, sinks, System::nanoTime,
            snapshots);
        pipeline.start(group);

        ConnectionSink sink = tracker;
        Bridge.install(sink, group, config.hookMaxFailures());
        if (attached) {
            long instrumentStart = System.nanoTime();
            instrumenter.install(inst);
            instrumentMillis = (System.nanoTime() - instrumentStart) / 1_000_000;
        }
        instrumenter.transformRemainingIn(group, inst);
        List<String> missing = instrumenter.missing(inst);
        for (String m : missing) {
            AgentLog.info("not instrumented on this JDK: " + m);
        }
        ReportWriter report = new ReportWriter(config, tracker, exportHealth, warnings, timeline, problems,
            () -> instrumenter.missing(inst), analysisMemory, group);
        ReportServer live = config.reportPort() < 0 ? null
            : ReportServer.start(group, config.reportPort(), report::liveHtml, report::text, report::json);
        if (config.banner()) {
            AgentLog.info(StartupLine.text(config, AgentVersion.get(), live == null ? -1 : live.port(), hostSdk != null
                ? "export: through the OpenTelemetry Java agent's SDK, as its extension (its exporters, resource and sampler)"
                : ExportTargets.describe(config.otelOverrides(), config.otelFromConfigFile())));
        }
        long timeout = config.shutdownTimeoutMillis();
        // The flush gets three quarters of the time, so that the report is written within it whatever the collector does.
        long flushMillis = timeout * 3 / 4;
        Runnable stop = () -> {
            bestEffort("stop adopting", tracker::stopAdopting); // connections ended now must not be taken up again
            long flushDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushMillis);
            bestEffort("reinstall the exporter logging", () -> ExporterLogging.reinstallAfterLogManagerReset(flushDeadline));
            bestEffort("flush telemetry", () -> pipeline.shutdown(flushDeadline, flushMillis,
                "three quarters of " + AgentConfig.SHUTDOWN_TIMEOUT_MS + "=" + timeout + ", the rest is for the report"));
            bestEffort("uninstall the bridge", () -> Bridge.uninstall(sink));
            if (live != null) {
                bestEffort("stop the live report", live::stop);
            }
            bestEffort("write the report", report::write);
        };
        Running r = new Running(inst, instrumenter, group, stop, timeout);
        Runtime.getRuntime().addShutdownHook(r.hook);
        running = r;
        System.setProperty(AttachOutcome.RUNNING, AgentVersion.get()); // for `list`
        AgentLog.debug("started in " + (System.nanoTime() - started) / 1_000_000 + " ms (instrumentation "
            + instrumentMillis + " ms); socket path "
            + (jdk.legacySocketPath() ? "legacy PlainSocketImpl" : "JDK 13+") + "; instrumented " + instrumenter.transformed());
        return problems;
    }

    /** One step of stopping: a failure is said once and the next steps still run. */
    private static void bestEffort(String what, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            AgentLog.once("exit-" + what, "could not " + what + " at exit: " + t, t);
        }
    }

    /** The OTLP collectors whose connections are not followed, unless connscope.track.telemetry asks for them. */
    private static TelemetryEndpoints collectors(AgentConfig config) {
        return config.trackTelemetry() ? TelemetryEndpoints.none()
            : TelemetryEndpoints.of(OtelSettings.otlpEndpoints(config.otelOverrides(), config.otelFromConfigFile()));
    }

    /**
     * Runs on the export thread, which belongs to the agent's group: so do the threads the SDK starts.
     * Null when no exporter is configured.
     */
    private static OpenTelemetrySdk buildSdk(AgentConfig config, ExportHealth exportHealth) {
        long start = System.nanoTime();
        try {
            if (OtelSetup.exportsNothing(config.otelOverrides(), config.otelFromConfigFile())) {
                AgentLog.debug("no OpenTelemetry exporter is configured (no OTLP endpoint, every otel.*.exporter none):"
                    + " the SDK is not started; the report is written at exit");
                return null;
            }
            OpenTelemetrySdk sdk = OtelSetup.build(config.otelOverrides(), config.otelFromConfigFile(),
                AgentInstaller.class.getClassLoader(), exportHealth);
            AgentLog.debug("OpenTelemetry SDK ready in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            return sdk;
        } catch (Throwable e) {
            StringBuilder causes = new StringBuilder(String.valueOf(e));
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                causes.append(" caused by ").append(c);
            }
            AgentLog.once("otel-config", "OpenTelemetry configuration failed, telemetry export is off (the report still"
                + " works): " + causes, e);
            return OpenTelemetrySdk.builder().build();
        }
    }
}
