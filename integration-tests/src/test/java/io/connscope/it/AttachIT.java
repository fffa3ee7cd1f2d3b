package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.LongLivedConnectionApp;
import io.connscope.it.support.Await;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The demo runs without the agent; {@code java -jar connscope-agent.jar attach <pid>} loads connscope
 * into it and telemetry arrives; {@code detach} stops it, and nothing more arrives while the demo
 * goes on; attaching again starts it again.
 */
class AttachIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void attachStartsTrackingAndDetachStopsIt(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start();
             ChildJvm.Running demo = ChildJvm.on(jvm).exportingTo(otlp).withoutAgent().startDemo("--loop", "healthy")) {
            String pid = String.valueOf(demo.pid());
            await("the demo's first round", () -> stdout(demo).contains("expect: scenario=healthy"));

            assertThat(cli(jvm, "list")).containsPattern("(?m)^" + pid + "\t.*connscope-demo.jar --loop healthy$")
                .doesNotContain("AttachCli");
            assertThat(otlp.spans().all()).as("nothing before attach").isEmpty();

            assertThat(cli(jvm, "attach", pid)).isEqualTo("attached to " + pid + "; connscope's messages are in that JVM's stderr\n");
            await("connection spans after attach", () -> !connscopeConnections(otlp).isEmpty());

            assertThat(cli(jvm, "detach", pid)).startsWith("detached from " + pid);
            assertThat(demo.stderr()).contains("[connscope] detached: tracking and export stopped");
            int afterDetach = connscopeConnections(otlp).size();
            int rounds = count(stdout(demo), "expect: scenario=healthy");
            await("more demo rounds after detach", () -> count(stdout(demo), "expect: scenario=healthy") >= rounds + 3);
            assertThat(connscopeConnections(otlp)).as("spans after detach").hasSize(afterDetach);
            assertThat(demo.isAlive()).isTrue();

            // A later attach starts afresh in the same JVM: the bridge is already there, the rest is new.
            cli(jvm, "attach", pid);
            await("connection spans after attaching again", () -> connscopeConnections(otlp).size() > afterDetach);
            cli(jvm, "detach", pid);
            assertThat(count(demo.stderr(), "[connscope] detached: tracking and export stopped")).isEqualTo(2);
            assertThat(demo.stderr()).doesNotContain("Exception").doesNotContain("internal error");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void aConnectionOpenBeforeAttachIsFollowedFromItsNextIo(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start();
             ChildJvm.Running app = ChildJvm.on(jvm).exportingTo(otlp).withoutAgent()
                 .startFixture(LongLivedConnectionApp.class)) {
            String pid = String.valueOf(app.pid());
            await("the first ping", () -> stdout(app).contains("expect: port="));
            int port = Integer.parseInt(stdout(app).replaceAll("(?s).*expect: port=(\\d+).*", "$1"));
            cli(jvm, "attach", pid);
            Thread.sleep(1500); // about 15 pings and pongs
            cli(jvm, "detach", pid);

            // The connection is followed since attach, both sides, with their roles told from the ports, and
            // ended at detach as still open.
            for (String role : new String[] {"client", "server"}) {
                List<SpanView> spans = otlp.spans().connections(role, port);
                assertThat(spans).as(role).hasSize(1);
                SpanView c = spans.get(0);
                assertThat(c.bool("connscope.connection.seen_since_attach")).isTrue();
                assertThat(c.str("connscope.close.classification")).isEqualTo("open-at-exit");
                long sent = c.num("connscope.connection.bytes_sent");
                long received = c.num("connscope.connection.bytes_received");
                assertThat(sent).as("%s bytes sent", role).isPositive().matches(n -> n % 5 == 0, "whole pings or pongs");
                assertThat(received).as("%s bytes received", role).isPositive().matches(n -> n % 5 == 0, "whole pings or pongs");
            }
            assertThat(app.stderr()).contains("2 connection(s) were already open when connscope was attached");
        }
    }

    /**
     * Each attach and detach retransforms the same JDK classes (13 on JDK 17), and the JVM's
     * java.cls.loadedClasses counter counts every retransformation as a load; but no class is added:
     * after many cycles the JVM holds no class by a name it did not hold after the first, and metaspace
     * grows only by the redefinitions' bookkeeping (measured: 25 to 30 KB a cycle on JDK 17, 12 to 14 KB
     * on JDK 25). Names, not a count: a retransformed class whose old methods are still running (the
     * application's thread blocked in SocketInputStream.read) keeps its old version beside the new one
     * until they return, which a count of classes takes for one more class (measured on JDK 25: 2 to 4
     * of them after 8 cycles, with the previous jar as with this one).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void repeatedAttachAndDetachAddNoClasses(Jvm jvm) throws Exception {
        // On JDK 17 a method called by reflection gets a generated accessor class at its 16th call, so a
        // call made once a cycle would add a class in the sixteenth cycle; generating them at the first
        // call puts every one of them in the warm-up.
        try (ChildJvm.Running app = ChildJvm.on(jvm).withoutAgent().jvmArg("-Dsun.reflect.noInflation=true")
                 .startFixture(LongLivedConnectionApp.class)) {
            String pid = String.valueOf(app.pid());
            await("the first ping", () -> stdout(app).contains("expect: port="));
            for (int i = 0; i < 3; i++) { // the first cycles load what connscope's code paths need, once
                cli(jvm, "attach", pid, "report.enabled=false");
                cli(jvm, "detach", pid);
            }
            Set<String> classes = classNames(jvm, pid);
            long metaspace = metaspaceUsed(jvm, pid);
            int cycles = 8;
            for (int i = 0; i < cycles; i++) {
                cli(jvm, "attach", pid, "report.enabled=false");
                cli(jvm, "detach", pid);
            }
            Set<String> moreClasses = new TreeSet<>(classNames(jvm, pid));
            moreClasses.removeAll(classes);
            long moreMetaspace = metaspaceUsed(jvm, pid) - metaspace;
            System.out.printf("AttachIT on %s: %d attach/detach cycles added classes %s and %d bytes of metaspace%n", jvm,
                cycles, moreClasses, moreMetaspace);
            assertThat(moreClasses).as("classes added by %d cycles", cycles)
                .noneMatch(c -> c.startsWith("io.connscope.")) // Byte Buddy and the SDK included: relocated there
                .as("classes added by %d cycles: a class a cycle would be %d (the JDK's own code loads a few the"
                    + " first time a path runs, such as java.lang.foreign's for FileChannelImpl on JDK 25)", cycles, cycles)
                .hasSizeLessThan(cycles / 2);
            assertThat(moreMetaspace / cycles).as("metaspace per cycle").isLessThan(64 * 1024);
            assertThat(app.stderr()).doesNotContain("Exception").doesNotContain("internal error");
        }
    }

    /** Classes the JVM holds now, over every class loader (jcmd VM.classloader_stats). */
    /** The names of the classes the JVM holds, each with its loader (jcmd VM.class_hierarchy). */
    private static Set<String> classNames(Jvm jvm, String pid) throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : jcmd(jvm, pid, "VM.class_hierarchy").split("\n")) {
            String name = line.replaceFirst("^[ |-]*", "").replaceFirst(" .*", "").trim();
            if (!name.isEmpty() && !name.endsWith(":")) {
                names.add(name);
            }
        }
        assertThat(names).as("class hierarchy").contains("java.lang.Object/null");
        return names;
    }

    /** Metaspace in use after a full GC, in bytes (jcmd VM.metaspace, its "Both" line). */
    private static long metaspaceUsed(Jvm jvm, String pid) throws Exception {
        jcmd(jvm, pid, "GC.run");
        String report = jcmd(jvm, pid, "VM.metaspace", "scale=1");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^ +Both: .*?committed, *(\\d+) bytes \\( *<?\\d+%\\) used")
            .matcher(report.substring(report.indexOf("Total Usage")));
        assertThat(m.find()).as("metaspace report: %s", report).isTrue();
        return Long.parseLong(m.group(1));
    }

    static String jcmd(Jvm jvm, String pid, String... command) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
            jvm.java().orElseThrow().resolveSibling("jcmd").toString(), pid));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static List<?> connscopeConnections(OtlpReceiver otlp) {
        return otlp.spans().where(s -> s.scope.equals("io.connscope") && s.name().startsWith("connection "));
    }

    private static String stdout(ChildJvm.Running demo) {
        try {
            return demo.stdout();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(String text, String needle) {
        return SafetyIT.count(text, needle);
    }

    private static void await(String what, Await.Condition condition) throws Exception {
        Await.until(what, 60, condition);
    }

    /**
     * Every refusal of the command comes back to it from the target JVM, with the target's reason and
     * an exit status that says it: detaching where connscope does not run, attaching where it runs,
     * settings the target rejected (typos get a suggestion), connscope turned off by a setting, a
     * process that is not there or not a number. {@code list} marks the JVM while connscope runs there.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void theCommandSaysWhatTheTargetSaidAndExitsAccordingly(Jvm jvm) throws Exception {
        try (ChildJvm.Running app = ChildJvm.on(jvm).withoutAgent().startFixture(LongLivedConnectionApp.class)) {
            String pid = String.valueOf(app.pid());
            await("the first ping", () -> stdout(app).contains("expect: port="));
            Cli version = run(jvm, "--version");
            assertThat(version.exit).isZero();
            assertThat(version.out).matches("connscope \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
            String mark = "\tconnscope " + version.out.substring("connscope ".length()).trim();

            assertThat(run(jvm, "detach", pid)).satisfies(c -> {
                assertThat(c.exit).isEqualTo(1);
                assertThat(c.err).isEqualTo("process " + pid + ": connscope is not running there\n");
            });
            assertThat(cli(jvm, "list")).containsPattern("(?m)^" + pid + "\t.*LongLivedConnectionApp$");

            Cli typos = run(jvm, "attach", pid, "max.connections=lots,report.flie=/tmp/r.txt");
            assertThat(typos.exit).as(typos.toString()).isEqualTo(3);
            assertThat(typos.out).isEqualTo("attached to " + pid + "; connscope's messages are in that JVM's stderr\n");
            assertThat(typos.err).isEqualTo("2 setting(s) rejected in process " + pid + " (their defaults apply):\n"
                + "  setting connscope.max.connections='lots' is not a whole number; using the default '65536'\n"
                + "  unknown setting 'connscope.report.flie' ignored; did you mean connscope.report.file?\n");
            assertThat(cli(jvm, "list")).containsPattern("(?m)^" + pid + "\t.*LongLivedConnectionApp" + mark + "$");

            assertThat(run(jvm, "attach", pid)).satisfies(c -> {
                assertThat(c.exit).isEqualTo(1);
                assertThat(c.err).isEqualTo("process " + pid + ": connscope is already running there; detach it first to"
                    + " change its settings\n");
            });
            assertThat(cli(jvm, "detach", pid)).isEqualTo("detached from " + pid + "; connscope's messages are in that JVM's"
                + " stderr\n");
            assertThat(cli(jvm, "list")).containsPattern("(?m)^" + pid + "\t.*LongLivedConnectionApp$");

            assertThat(run(jvm, "attach", pid, "enabled=false")).satisfies(c -> {
                assertThat(c.exit).isEqualTo(1);
                assertThat(c.err).isEqualTo("process " + pid + ": connscope.enabled is false in the settings: nothing was"
                    + " started\n");
            });
            assertThat(run(jvm, "attach", "2147483647")).satisfies(c -> {
                assertThat(c.exit).isEqualTo(1);
                assertThat(c.err).startsWith("could not load connscope into process 2147483647: ");
            });
            assertThat(run(jvm, "attach", "twelve")).satisfies(c -> {
                assertThat(c.exit).isEqualTo(2);
                assertThat(c.err).startsWith("not a process id: 'twelve'");
            });
            assertThat(app.stderr()).contains("[connscope] attach: connscope is already running in this JVM")
                .contains("[connscope] detach: connscope is not running in this JVM");
        }
    }

    /** Runs the agent jar's command line with the same JDK; fails unless it exits 0. */
    private static String cli(Jvm jvm, String... args) throws Exception {
        Cli c = run(jvm, args);
        assertThat(c.exit).as("%s", c).isZero();
        return c.out + c.err;
    }

    /** The command's exit status, stdout and stderr. */
    private static final class Cli {
        final int exit;
        final String out;
        final String err;

        Cli(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private static Cli run(Jvm jvm, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(jvm.java().orElseThrow().toString(), "-jar",
            ChildJvm.AGENT_JAR.toString()));
        cmd.addAll(List.of(args));
        java.nio.file.Path err = java.nio.file.Files.createTempFile("cli", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String errors = java.nio.file.Files.readString(err);
        java.nio.file.Files.delete(err);
        return new Cli(p.exitValue(), out, errors);
    }
}
