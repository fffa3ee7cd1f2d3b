package io.connscope.it;

import static io.connscope.it.SafetyIT.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.testsupport.Jvm;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings: connscope's own (agent arguments, properties, CONNSCOPE_*) and the standard OTEL_* ones. */
class ConfigIT {

    private static final String REPORT = "==== connscope connection report ====";

    @Test
    void disabledAgentDoesNothingAtAll() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result byArg = ChildJvm.on(Jvm.JDK17).exportingTo(otlp).agentArgs("enabled=false").demo("half-close")
                .assertSuccess();
            ChildJvm.Result byEnv = ChildJvm.on(Jvm.JDK17).exportingTo(otlp).env("CONNSCOPE_ENABLED", "false")
                .demo("half-close").assertSuccess();
            for (ChildJvm.Result r : new ChildJvm.Result[] {byArg, byEnv}) {
                assertThat(r.stderr).doesNotContain("[connscope]").doesNotContain(REPORT).doesNotContain("Sharing is only");
                assertThat(r.stdout).contains("client sent 120 bytes");
            }
            assertThat(otlp.requests()).isZero();
        }
    }

    @Test
    void badSettingsGiveOneClearMessageEachAndFallBackToDefaults() throws Exception {
        ChildJvm.Result run = ChildJvm.on(Jvm.JDK17)
            .agentArgs("max.connections=lots,report.enabled=maybe,connscope.unknown.thing=1,nokeyvalue")
            .jvmArg("-Dconnscope.export.queue.size=-5")
            .demo("half-close").assertSuccess();
        assertThat(count(run.stderr, "[connscope] setting connscope.max.connections='lots' is not a whole number;"
            + " using the default '65536'")).isEqualTo(1);
        assertThat(count(run.stderr, "[connscope] setting connscope.report.enabled='maybe' is not true or false;"
            + " using the default 'true'")).isEqualTo(1);
        assertThat(count(run.stderr, "[connscope] setting connscope.export.queue.size='-5' must be a positive whole number;"
            + " using the default '8192'")).isEqualTo(1);
        assertThat(count(run.stderr, "[connscope] unknown setting 'connscope.unknown.thing' ignored")).isEqualTo(1);
        assertThat(count(run.stderr, "[connscope] agent argument 'nokeyvalue' is not key=value; ignored")).isEqualTo(1);
        // The defaults were used: the report is on and counts the scenario's two connections.
        assertThat(run.stderr).contains(REPORT, "2 connection(s), 2 destination(s)");
    }

    @Test
    void reportGoesToTheConfiguredFileWithAgentArgumentsBeforePropertiesBeforeEnvironment(@TempDir Path dir)
        throws Exception {
        Path fromArg = dir.resolve("arg/report.txt");
        Path fromProperty = dir.resolve("property.txt");
        Path fromEnv = dir.resolve("env.txt");
        ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).agentArgs("report.file=" + fromArg)
            .jvmArg("-Dconnscope.report.file=" + fromProperty).env("CONNSCOPE_REPORT_FILE", fromEnv.toString())
            .demo("half-close").assertSuccess();
        assertThat(run.stderr).doesNotContain(REPORT);
        assertThat(Files.readString(fromArg)).contains(REPORT, "graceful 1", "peer-first 1");
        // Where it went is said at start-up and at exit, and only there.
        assertThat(run.stderr).containsPattern("(?m)^\\[connscope\\] connscope \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?: report at exit to "
            + Pattern.quote(fromArg.toString()) + "; nothing exported ")
            .contains("[connscope] wrote the report to " + fromArg + "\n");
        ChildJvm.Result quiet = ChildJvm.on(Jvm.JDK17).agentArgs("report.file=" + fromArg + ",banner=false")
            .demo("half-close").assertSuccess();
        assertThat(quiet.stderr).doesNotContain("[connscope]");
        assertThat(fromProperty).doesNotExist();
        assertThat(fromEnv).doesNotExist();

        ChildJvm.on(Jvm.JDK17).jvmArg("-Dconnscope.report.file=" + fromProperty)
            .env("CONNSCOPE_REPORT_FILE", fromEnv.toString()).demo("half-close").assertSuccess();
        assertThat(fromProperty).exists();
        assertThat(fromEnv).doesNotExist();

        ChildJvm.on(Jvm.JDK17).env("CONNSCOPE_REPORT_FILE", fromEnv.toString()).demo("half-close").assertSuccess();
        assertThat(Files.readString(fromEnv)).contains(REPORT);
    }

    /**
     * Report files are never written through a link: not a symbolic link to a directory on the way
     * (the setting is refused at start-up, with the path to give instead), not a hard link to
     * another file (its content and mode stay as they were). The report then goes to stderr.
     */
    @Test
    void reportFilesAreNeverWrittenThroughLinks(@TempDir Path dir) throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path planted = Files.writeString(elsewhere.resolve("report.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("reports"), elsewhere);
        ChildJvm.Result throughLink = ChildJvm.on(Jvm.JDK17).agentArgs("report.file=" + link.resolve("report.txt"))
            .demo("half-close").assertSuccess();
        assertThat(count(throughLink.stderr, "[connscope] setting connscope.report.file='" + link.resolve("report.txt")
            + "' goes through a symbolic link, " + link + "; connscope never writes through links, so give the path"
            + " without them (" + elsewhere.toRealPath().resolve("report.txt") + ")")).isEqualTo(1);
        assertThat(throughLink.stderr).contains(REPORT);
        assertThat(planted).hasContent("keep me");

        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me too");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Path hardLink = Files.createLink(dir.resolve("report.txt"), victim);
        ChildJvm.Result throughHardLink = ChildJvm.on(Jvm.JDK17).agentArgs("report.file=" + hardLink)
            .demo("half-close").assertSuccess();
        assertThat(throughHardLink.stderr).contains("[connscope] setting connscope.report.file='" + hardLink
            + "' has 2 hard links; connscope does not write reports through links").contains(REPORT);
        assertThat(victim).hasContent("keep me too");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");
    }

    /** A comma inside a value, escaped with a backslash; and an empty report.file, which means stderr. */
    @Test
    void aCommaCanBePartOfAValueAndAnEmptyReportFileMeansStderr() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).exportingTo(otlp)
                .agentArgs("otel.resource.attributes=team=payments\\,tier=gold,report.file=").demo("half-close")
                .assertSuccess();
            assertThat(run.stderr).doesNotContain("[connscope] setting").contains(REPORT);
            assertThat(otlp.spans().where(s -> s.name().startsWith("connection "))).hasSize(2)
                .allSatisfy(s -> assertThat(s.resource.getAttributesList())
                    .anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue())
                        .isEqualTo("team=payments"))
                    .anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue())
                        .isEqualTo("tier=gold")));
        }
    }

    @Test
    void nothingIsExportedWithoutAnEndpointButAnExplicitOtlpExporterUsesTheStandardDefault() throws Exception {
        OtlpReceiver defaultPort;
        try {
            defaultPort = OtlpReceiver.startOn(4318);
        } catch (BindException busy) {
            Assumptions.abort("port 4318 is in use on this machine");
            return;
        }
        try (OtlpReceiver otlp = defaultPort) {
            ChildJvm.on(Jvm.JDK17).demo("half-close").assertSuccess();
            assertThat(otlp.requests()).as("requests to localhost:4318 with no OTEL settings").isZero();

            ChildJvm.on(Jvm.JDK17).env("OTEL_TRACES_EXPORTER", "otlp").env("OTEL_BSP_SCHEDULE_DELAY", "100")
                .demo("half-close").assertSuccess();
            assertThat(otlp.spans().where(s -> s.name().startsWith("connection "))).hasSize(2);
            assertThat(otlp.metrics("connscope.connection.opened")).as("metrics stay off").isEmpty();
        }
    }

    @Test
    void otelSettingsWorkAsSystemPropertiesAndAgentArguments() throws Exception {
        try (OtlpReceiver byProperty = OtlpReceiver.start(); OtlpReceiver byArg = OtlpReceiver.start()) {
            ChildJvm.on(Jvm.JDK17).jvmArg("-Dotel.exporter.otlp.endpoint=" + byProperty.endpoint())
                .jvmArg("-Dotel.service.name=from-property").demo("half-close").assertSuccess();
            assertThat(byProperty.spans().where(s -> s.name().startsWith("connection "))).hasSize(2)
                .allSatisfy(s -> assertThat(s.resource.getAttributesList())
                    .anySatisfy(kv -> assertThat(kv.getValue().getStringValue()).isEqualTo("from-property")));

            ChildJvm.on(Jvm.JDK17).agentArgs("otel.exporter.otlp.endpoint=" + byArg.endpoint()).demo("half-close")
                .assertSuccess();
            // With no service name given, the service is named after the jar the JVM runs, as the OpenTelemetry Java
            // agent names it, not unknown_service:java.
            assertThat(byArg.spans().where(s -> s.name().startsWith("connection "))).hasSize(2)
                .allSatisfy(s -> assertThat(s.resource.getAttributesList())
                    .anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue())
                        .isEqualTo("service.name=connscope-demo")));
        }
    }

    /** connscope.config.file: connscope's and the SDK's settings from a file, below the other sources. */
    @Test
    void aConfigurationFileSetsWhatNoOtherSourceSets(@TempDir Path dir) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            Path report = dir.resolve("from-file.txt");
            Path file = dir.resolve("connscope.properties");
            Files.writeString(file, "report.file=" + report + "\nconnscope.banner=false\notel.exporter.otlp.endpoint="
                + otlp.endpoint() + "\notel.service.name=from-file\nreport.wide=maybe\n");
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).env("CONNSCOPE_CONFIG_FILE", file.toString())
                .jvmArg("-Dotel.service.name=from-property").demo("half-close").assertSuccess();
            assertThat(Files.readString(report)).contains(REPORT, "graceful 1", "peer-first 1");
            assertThat(run.stderr).contains("[connscope] setting connscope.report.wide='maybe' is not true or false;"
                + " using the default 'false'").doesNotContain("[connscope] connscope ");
            // The file's endpoint is used; its service name is not: a system property says otherwise.
            assertThat(otlp.spans().where(s -> s.name().startsWith("connection "))).hasSize(2)
                .allSatisfy(s -> assertThat(s.resource.getAttributesList())
                    .anySatisfy(kv -> assertThat(kv.getKey() + "=" + kv.getValue().getStringValue())
                        .isEqualTo("service.name=from-property")));
        }
    }

    @Test
    void grpcIsAnsweredWithOneClearMessageAndHttpProtobuf() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).exportingTo(otlp).env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
                .demo("half-close").assertSuccess();
            assertThat(count(run.stderr, "[connscope] otel.exporter.otlp.protocol=grpc is not supported")).isEqualTo(1);
            assertThat(otlp.spans().where(s -> s.name().startsWith("connection "))).hasSize(2);
        }
    }

    @Test
    void metricsArriveWithExactCounts() throws IOException, InterruptedException {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).exportingTo(otlp).demo("churn").assertSuccess();
            int port = Integer.parseInt(run.expectLine("client.connections=10").get("port"));
            assertThat(MetricsAssert.lastSum(otlp, "connscope.connection.opened", "client", port)).isEqualTo(10);
            assertThat(MetricsAssert.lastSum(otlp, "connscope.connection.opened", "server", port)).isEqualTo(10);
            assertThat(MetricsAssert.lastSum(otlp, "connscope.connection.closed", "server", port)).isEqualTo(10);
            assertThat(MetricsAssert.lastSum(otlp, "connscope.connection.open", "server", port)).isZero();
            assertThat(MetricsAssert.histogramCount(otlp, "connscope.connect.duration", "client", port)).isEqualTo(10);
            assertThat(MetricsAssert.histogramCount(otlp, "connscope.connection.duration", "server", port)).isEqualTo(10);
        }
    }

    @Test
    void includeAndExcludeRulesChooseWhichConnectionsAreFollowed() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            // The demo's ten churned connections, from the client's own count: left out by destination on one side,
            // by listening port on the other.
            ChildJvm.Result clientsOut = ChildJvm.on(Jvm.JDK17).exportingTo(otlp)
                .agentArgs("destinations.exclude=127.0.0.0/8 ::1 localhost").demo("churn").assertSuccess();
            int port = Integer.parseInt(clientsOut.expectLine("client.connections=10").get("port"));
            assertThat(clientsOut.stderr).contains("; following destinations not in 127.0.0.0/8 ::1 localhost;",
                "10 connection(s) were left out by the rules, which follow destinations not in 127.0.0.0/8 ::1 localhost");
            assertThat(otlp.spans().connections("client", port)).isEmpty();
            assertThat(otlp.spans().connections("server", port)).hasSize(10);
            assertThat(MetricsAssert.lastSum(otlp, "connscope.connection.opened", "server", port)).isEqualTo(10);
        }
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result serversOut = ChildJvm.on(Jvm.JDK17).exportingTo(otlp)
                .env("CONNSCOPE_LISTEN_PORTS_EXCLUDE", "1-65535").demo("churn").assertSuccess();
            int port = Integer.parseInt(serversOut.expectLine("client.connections=10").get("port"));
            assertThat(serversOut.stderr).contains("10 connection(s) were left out by the rules, which follow listening"
                + " ports not in 1-65535");
            assertThat(otlp.spans().connections("server", port)).isEmpty();
            assertThat(otlp.spans().connections("client", port)).hasSize(10);
        }
        ChildJvm.Result bad = ChildJvm.on(Jvm.JDK17).agentArgs("destinations.include=10.0.0.0/99").demo("churn")
            .assertSuccess();
        assertThat(count(bad.stderr, "[connscope] setting connscope.destinations.include='10.0.0.0/99' has a bad entry:"
            + " '10.0.0.0/99' has a prefix length that is not 0-32; using the default ''")).isEqualTo(1);
        assertThat(bad.stderr).contains("20 connection(s), 2 destination(s)").doesNotContain("left out");
    }

    @Test
    void theResourceNamesTheHostTheOsAndTheProcessAndKeepsSecretsOutOfItsCommandLine() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start();
             ChildJvm.Running app = ChildJvm.on(Jvm.JDK17).exportingTo(otlp)
                 .agentArgs("otel.exporter.otlp.headers=authorization=Bearer s3cret").jvmArg("-Ddb.password=hunter2")
                 .startDemo("churn")) {
            app.awaitExit(60).assertSuccess();
            java.util.Map<String, String> resource = new java.util.TreeMap<>();
            otlp.spans().all().get(0).resource.getAttributesList().forEach(kv -> resource.put(kv.getKey(),
                kv.getValue().hasIntValue() ? String.valueOf(kv.getValue().getIntValue()) : kv.getValue().getStringValue()));
            // Each against its own truth: the child's pid as this JVM started it, this machine's name and system,
            // the java binary the child ran.
            assertThat(resource).containsEntry("process.pid", String.valueOf(app.pid()))
                .containsEntry("host.name", java.net.InetAddress.getLocalHost().getHostName())
                .containsEntry("os.type", "linux")
                .containsKeys("host.arch", "os.description", "process.runtime.name", "process.runtime.version");
            assertThat(Path.of(resource.get("process.executable.path")).toRealPath())
                .isEqualTo(Jvm.JDK17.java().orElseThrow().toRealPath());
            assertThat(resource.get("process.command_line")).contains("-Ddb.password=***", "connscope-agent.jar=***", "churn")
                .doesNotContain("hunter2").doesNotContain("s3cret");
        }
        // A provider is turned off by the name its documentation gives it, though connscope's jar relocates it.
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.on(Jvm.JDK17).exportingTo(otlp)
                .jvmArg("-Dotel.java.disabled.resource.providers=io.opentelemetry.instrumentation.resources.HostResourceProvider")
                .demo("churn").assertSuccess();
            assertThat(otlp.spans().all().get(0).resource.getAttributesList()).extracting(kv -> kv.getKey())
                .doesNotContain("host.name", "host.arch").contains("os.type", "process.pid");
        }
    }
}
