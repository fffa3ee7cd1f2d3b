package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.Await;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.Jvm;
import io.connscope.it.fixtures.LongLivedConnectionApp;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** Runs the agent jar's command line with the same JDK; fails unless it exits 0. */
    private static String cli(Jvm jvm, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(jvm.java().orElseThrow().toString(), "-jar",
            ChildJvm.AGENT_JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
        return out;
    }
}
