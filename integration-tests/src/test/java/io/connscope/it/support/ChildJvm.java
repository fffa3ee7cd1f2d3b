package io.connscope.it.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.connscope.it.faultagent.FaultAgentJar;
import io.connscope.testsupport.ChildProcess;
import io.connscope.testsupport.JavaCommand;
import io.connscope.testsupport.Jvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Builds and runs a child JVM with the real agent jar, capturing its output. */
public final class ChildJvm {

    public static final Path AGENT_JAR = Paths.get(System.getProperty("connscope.agent.jar")).toAbsolutePath();
    public static final Path DEMO_JAR = Paths.get(System.getProperty("connscope.demo.jar")).toAbsolutePath();
    public static final Path FIXTURES = Paths.get(System.getProperty("connscope.fixtures.dir")).toAbsolutePath();
    private static final Path WORK = Paths.get(System.getProperty("connscope.work.dir")).toAbsolutePath();

    private final Jvm jvm;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> argsBeforeAgent = new ArrayList<>();
    /** What the child runs: the demo, a fixture, a main class or a module. */
    private JavaCommand command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String agentArgs;
    private boolean withAgent = true;
    private long timeoutSeconds = 120;

    private ChildJvm(Jvm jvm) {
        this.jvm = jvm;
        Path java = jvm.java().orElse(null);
        if (java == null) {
            System.err.println("SKIPPED on " + jvm + ": not found (looked at " + jvm.whereLooked() + ")");
        }
        assumeTrue(java != null, jvm + " is not found (looked at " + jvm.whereLooked() + "); tests on it are skipped");
        this.command = JavaCommand.of(java);
    }

    public static ChildJvm on(Jvm jvm) {
        return new ChildJvm(jvm);
    }

    /** Sends telemetry to the receiver, exporting quickly so short-lived children flush everything. */
    public ChildJvm exportingTo(OtlpReceiver receiver) {
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
        env.put("OTEL_METRIC_EXPORT_INTERVAL", "500");
        env.put("OTEL_SERVICE_NAME", "connscope-it");
        return this;
    }

    private List<String> launcher = List.of();
    private boolean everyExchangeSpan = true;

    public ChildJvm agentArgs(String args) {
        this.agentArgs = args;
        return this;
    }

    public ChildJvm withoutAgent() {
        this.withAgent = false;
        return this;
    }

    public ChildJvm env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /**
     * Makes the named connscope hooks (';'-separated, as the bridge names them) throw, as a bug in
     * connscope would, through a test-only agent loaded after connscope's.
     */
    public ChildJvm failingHooks(String hooks) {
        return jvmArg("-javaagent:" + FaultAgentJar.path() + "=" + hooks);
    }

    /** A JVM argument placed before connscope's -javaagent, such as another agent to load first. */
    public ChildJvm jvmArgBeforeAgent(String arg) {
        argsBeforeAgent.add(arg);
        return this;
    }

    public ChildJvm jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    public ChildJvm timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    public Result demo(String... scenarios) throws IOException, InterruptedException {
        command.jar(DEMO_JAR, List.of(scenarios));
        return run();
    }

    /** Runs a fixture main class from the test classes, with extra classpath entries first. */
    public Result fixture(Class<?> main, List<String> classpath, String... args) throws IOException, InterruptedException {
        List<String> cp = new ArrayList<>(classpath);
        cp.add(FIXTURES.toString());
        return main(main.getName(), cp, args);
    }

    /** Runs a main class from this classpath alone (e.g. the stack fixtures, built apart). */
    public Result main(String mainClass, List<String> classpath, String... args) throws IOException, InterruptedException {
        command.mainClass(classpath, mainClass, List.of(args));
        return run();
    }

    public Result fixture(Class<?> main, String... args) throws IOException, InterruptedException {
        return fixture(main, List.of(), args);
    }

    /** Runs a modular application: {@code --module-path modulePath -m module/mainClass args}. */
    public Result module(Path modulePath, String moduleAndMainClass, String... args) throws IOException, InterruptedException {
        command.module(modulePath, moduleAndMainClass, List.of(args));
        return run();
    }

    /** Leaves exchange-span sampling at connscope's default instead of a span for every exchange. */
    public ChildJvm defaultSampling() {
        this.everyExchangeSpan = false;
        return this;
    }

    /** Runs the JVM through this command, which must end by running its arguments (e.g. unshare … sh -c '…; exec "$0" "$@"'). */
    public ChildJvm launchedBy(String... command) {
        this.launcher = List.of(command);
        return this;
    }

    /** Starts the demo without waiting for it, e.g. to attach to it: {@link Running#stop()} ends it. */
    public Running startDemo(String... args) throws IOException {
        command.jar(DEMO_JAR, List.of(args));
        return start();
    }

    /** Starts a fixture main class without waiting for it. */
    public Running startFixture(Class<?> main, String... args) throws IOException {
        command.mainClass(List.of(FIXTURES.toString()), main.getName(), List.of(args));
        return start();
    }

    private Running start() throws IOException {
        List<String> cmd = command();
        Files.createDirectories(WORK);
        Path out = Files.createTempFile(WORK, "stdout-", ".txt");
        Path err = Files.createTempFile(WORK, "stderr-", ".txt");
        return new Running(cmd, processBuilder(cmd, out, err).start(), out, err);
    }

    /** A child JVM still running. */
    public static final class Running implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;
        private final long startNanos = System.nanoTime();

        Running(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Waits for the JVM to exit by itself, at most {@code seconds}; fails (and kills it) when it does not. */
        public Result awaitExit(long seconds) throws IOException, InterruptedException {
            if (!ChildProcess.exitsWithin(process, seconds)) {
                throw new AssertionError("child JVM did not exit within " + seconds + " s: " + command
                    + "\nstderr:\n" + stderr());
            }
            return new Result(command, process.exitValue(), stdout(), stderr(),
                (System.nanoTime() - startNanos) / 1_000_000);
        }

        /** The first {@code expect:} line with {@code marker}, once the JVM has printed it (at most {@code seconds}). */
        public Map<String, String> awaitLine(String marker, long seconds) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                String printed = stdout();
                if (printed.lines().anyMatch(l -> l.startsWith("expect:") && l.contains(marker))) {
                    return new Result(command, 0, printed, "", 0).expectLine(marker);
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no 'expect:' line with " + marker + " within " + seconds + " s; stdout:\n" + stdout()
                + "\nstderr:\n" + stderr());
        }

        public long pid() {
            return process.pid();
        }

        public String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        public String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Ends the JVM as a normal stop would (SIGTERM), so its shutdown hooks run. */
        public void stop() throws InterruptedException {
            ChildProcess.stop(process);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                stop();
            }
        }
    }

    private Result run() throws IOException, InterruptedException {
        List<String> cmd = command();
        Files.createDirectories(WORK);
        Path out = Files.createTempFile(WORK, "stdout-", ".txt");
        Path err = Files.createTempFile(WORK, "stderr-", ".txt");
        ProcessBuilder pb = processBuilder(cmd, out, err);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!ChildProcess.exitsWithin(p, timeoutSeconds)) {
            throw new AssertionError("child JVM did not finish within " + timeoutSeconds + " s: " + cmd
                + "\nstderr:\n" + Files.readString(err));
        }
        return new Result(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
    }

    private List<String> command() {
        command.launchedBy(launcher).options(jvm.flags()).options(argsBeforeAgent);
        if (withAgent) {
            command.agent(AGENT_JAR, agentArgs);
        }
        return command.options(jvmArgs).toList();
    }

    private ProcessBuilder processBuilder(List<String> cmd, Path out, Path err) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("CONNSCOPE_") || k.equals("JAVA_TOOL_OPTIONS"));
        if (everyExchangeSpan) {
            // Most tests assert on the span of each exchange; the default keeps only some (see defaultSampling()).
            pb.environment().put("CONNSCOPE_EXCHANGE_SPANS_RATIO", "1");
        }
        // One cache for the whole run, away from the user's own: the first child weaves, the others load.
        pb.environment().put("CONNSCOPE_INSTRUMENT_CACHE", WORK.resolve("instrument-cache").toString());
        pb.environment().putAll(env);
        return pb;
    }

    /** What a child JVM did. */
    public static final class Result {
        public final List<String> command;
        public final int exitCode;
        public final String stdout;
        public final String stderr;
        public final long millis;

        Result(List<String> command, int exitCode, String stdout, String stderr, long millis) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
            this.millis = millis;
        }

        /** Fails with the child's output when it did not exit cleanly. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("child JVM exited with " + exitCode + ": " + command + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr);
            }
            return this;
        }

        /**
         * stderr with the text report's wrapped lines joined again (a line that goes on is indented by four
         * spaces or more), for the tests that look for a phrase of a note or of evidence wherever the
         * 120-column report broke it.
         */
        public String unwrappedStderr() {
            return stderr.replaceAll("\n {4,}", " ");
        }

        /** The value of key in the "expect:" line that also has port=..., as printed by the demo. */
        public Map<String, String> expectLine(String marker) {
            for (String line : stdout.split("\n")) {
                if (line.startsWith("expect:") && line.contains(marker)) {
                    Map<String, String> kv = new LinkedHashMap<>();
                    for (String part : line.substring("expect:".length()).trim().split(" ")) {
                        int eq = part.indexOf('=');
                        kv.put(part.substring(0, eq), part.substring(eq + 1));
                    }
                    return kv;
                }
            }
            throw new AssertionError("no 'expect:' line with " + marker + " in:\n" + stdout);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
