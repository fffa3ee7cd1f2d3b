package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.ScenarioPort;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The instrumentation cache: the first start weaves the JDK classes and keeps them owner-only, the
 * next start loads them without weaving, a damaged entry is woven again, and a directory others can
 * write to is not trusted. Whichever way the classes came, the telemetry is the same.
 */
class InstrumentCacheIT {

    static final String FROM_CACHE = " (from the instrumentation cache)";

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aWarmStartLoadsWhatTheFirstWoveAndDistrustsWhatItCannotCheck(Jvm jvm) throws Exception {
        Path work = Files.createDirectories(Paths.get(System.getProperty("connscope.work.dir")).toAbsolutePath());
        Path cache = Files.createTempDirectory(work, "instrument-cache-it-").resolve("cache"); // connscope creates it

        String cold = keepAliveRun(jvm, cache);
        List<String> woven = instrumented(cold);
        assertThat(woven).as("first start weaves every target").isNotEmpty().noneMatch(l -> l.endsWith(FROM_CACHE));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
        List<Path> entries = entries(cache);
        assertThat(entries).hasSize(woven.size());
        for (Path e : entries) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(e))).as(e.toString())
                .isEqualTo("rw-------");
        }

        String warm = keepAliveRun(jvm, cache);
        assertThat(instrumented(warm)).as("second start loads every target from the cache")
            .hasSize(woven.size()).allMatch(l -> l.endsWith(FROM_CACHE));

        Path damaged = entries.stream().filter(p -> p.getFileName().toString().startsWith("java.net.Socket-"))
            .findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(damaged, bytes);
        String repaired = keepAliveRun(jvm, cache);
        assertThat(repaired).contains("does not match; weaving again");
        assertThat(instrumented(repaired)).contains("[connscope] instrumented java.net.Socket")
            .filteredOn(l -> !l.endsWith(FROM_CACHE)).hasSize(1);
        assertThat(instrumented(keepAliveRun(jvm, cache))).as("the damaged entry was replaced")
            .allMatch(l -> l.endsWith(FROM_CACHE));

        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        String distrusted = keepAliveRun(jvm, cache);
        assertThat(distrusted).contains("instrumentation cache " + cache + " not used: group or others have access");
        assertThat(instrumented(distrusted)).hasSize(woven.size()).noneMatch(l -> l.endsWith(FROM_CACHE));
    }

    /**
     * {@code prepare}, run as an image build would, with the application's JVM options: the
     * application's first start then weaves nothing, and a second prepare finds everything there.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void prepareFillsTheCacheSoThatTheFirstStartWeavesNothing(Jvm jvm) throws Exception {
        Path work = Files.createDirectories(Paths.get(System.getProperty("connscope.work.dir")).toAbsolutePath());
        Path cache = Files.createTempDirectory(work, "instrument-cache-prepared-").resolve("cache");

        String prepared = prepare(jvm, 0, "instrument.cache=" + cache);
        Matcher m = Pattern.compile("connscope: instrumentation cache " + Pattern.quote(cache.toString())
            + " prepared for Java \\S+ \\(.+\\), socket path (JDK 13\\+|legacy PlainSocketImpl): (\\d+) class files woven,"
            + " 0 already there, in \\d+ ms\n").matcher(prepared);
        assertThat(m.find()).as(prepared).isTrue();
        assertThat(m.group(1)).isEqualTo(jvm.flags().contains("-Djdk.net.usePlainSocketImpl=true")
            ? "legacy PlainSocketImpl" : "JDK 13+");
        int woven = Integer.parseInt(m.group(2));
        assertThat(entries(cache)).hasSize(woven);

        List<String> first = instrumented(keepAliveRun(jvm, cache));
        assertThat(first).as("the application's first start").isNotEmpty().allMatch(l -> l.endsWith(FROM_CACHE));
        assertThat(entries(cache)).as("nothing added").hasSize(woven);
        assertThat(prepare(jvm, 0, "instrument.cache=" + cache)).contains(": 0 class files woven, " + woven + " already there");

        assertThat(prepare(jvm, 2, "instrument.cache=off"))
            .contains("prepare: the instrumentation cache is off (connscope.instrument.cache=off)");
        assertThat(prepare(jvm, 2, "instrument.cache=" + cache + ",no.such.setting=1"))
            .contains("unknown setting 'connscope.no.such.setting'", "prepare: nothing was prepared");
    }

    /** {@code java [the JVM's flags] -jar connscope-agent.jar prepare settings}: its output, after checking its exit code. */
    private static String prepare(Jvm jvm, int exitCode, String settings) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(jvm.java().orElseThrow().toString());
        cmd.addAll(jvm.flags());
        cmd.addAll(List.of("-jar", ChildJvm.AGENT_JAR.toString(), "prepare", settings));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CONNSCOPE_") || k.equals("JAVA_TOOL_OPTIONS"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isEqualTo(exitCode);
        return out;
    }

    /** Runs the keep-alive demo with the cache, checks its telemetry is complete, and returns the child's stderr. */
    private static String keepAliveRun(Jvm jvm, Path cache) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).env("CONNSCOPE_INSTRUMENT_CACHE", cache.toString())
                .env("CONNSCOPE_DEBUG", "true").demo("keep-alive").assertSuccess();
            Spans spans = ScenarioPort.attributed(run, otlp.spans());
            int port = Integer.parseInt(run.expectLine("client.connections=1 server.connections=1").get("port"));
            for (String role : new String[] {"client", "server"}) {
                List<SpanView> connections = spans.connections(role, port);
                assertThat(connections).as(role).hasSize(1);
                assertThat(connections.get(0).num("connscope.http.requests")).as(role).isEqualTo(10);
            }
            return run.stderr;
        }
    }

    static List<String> instrumented(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("[connscope] instrumented ")).collect(Collectors.toList());
    }

    static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".woven")).collect(Collectors.toList());
        }
    }
}
