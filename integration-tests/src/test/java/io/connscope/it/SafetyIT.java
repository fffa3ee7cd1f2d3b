package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.ChurnApp;
import io.connscope.it.fixtures.HotPathAllocation;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The agent never hurts the host: its errors stay inside, its hot path allocates nothing, export never blocks. */
class SafetyIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void internalErrorsNeverReachTheApplicationAndDisableOnlyTheFailingHook(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .agentArgs("hook.max.failures=3").failingHooks("read")
                .demo("half-close").assertSuccess();
            // The application saw none of the injected exceptions: it read its 300 bytes as usual.
            assertThat(run.stdout).contains("client sent 120 bytes, half-closed, read 300 bytes to EOF, closed");
            assertThat(count(run.stderr, "[connscope] internal error in hook 'read'")).isEqualTo(1);
            assertThat(count(run.stderr, "[connscope] hook 'read' disabled after repeated internal errors")).isEqualTo(1);
            assertThat(run.unwrappedStderr()).containsPattern("hook 'read' had \\d+ internal error\\(s\\) and was disabled");
            // Every other hook kept working.
            int port = Integer.parseInt(run.expectLine("client.close=graceful").get("port"));
            List<SpanView> client = otlp.spans().connections("client", port);
            assertThat(client).hasSize(1);
            assertThat(client.get(0).num("connscope.connection.bytes_sent")).isEqualTo(120);
            assertThat(client.get(0).num("connscope.connection.bytes_received")).isZero();
            assertThat(client.get(0).str("connscope.close.sequence")).contains("shutdown-output").endsWith("close");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aFailingHttpUrlConnectionHookLeavesTheRequestsAndTheWireAnalysisAlone(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .agentArgs("hook.max.failures=2").failingHooks("http-url-connection")
                .demo("stale-keepalive").assertSuccess();
            // The JDK's requests and its silent resends went on as without the agent.
            assertThat(run.expectLine("step=post ").get("outcome")).isEqualTo("status_200");
            assertThat(run.expectLine("step=post-dropped ").get("server.requests")).isEqualTo("3");
            assertThat(count(run.stderr, "[connscope] hook 'http-url-connection' disabled after repeated internal errors"))
                .isEqualTo(1);
            // The client-agnostic resend detection still sees the resend; only the JDK's own account of it is gone.
            int post = Integer.parseInt(run.expectLine("step=post ").get("port"));
            assertThat(otlp.spans().exchanges("client", post)).filteredOn(e -> e.has("http.request.resend_count"))
                .singleElement().satisfies(e -> {
                    assertThat(e.str("connscope.http.resent_by")).isEqualTo("application");
                    assertThat(e.has("connscope.http.client.api")).isFalse();
                });
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void readsAndWritesAllocateNothingExtra(Jvm jvm) throws Exception {
        ChildJvm.Result without = ChildJvm.on(jvm).withoutAgent().fixture(HotPathAllocation.class).assertSuccess();
        ChildJvm.Result with = ChildJvm.on(jvm).fixture(HotPathAllocation.class).assertSuccess();
        for (String path : new String[] {"socket", "channel"}) {
            double base = value(without.stdout, path + ".bytes_per_op");
            double agent = value(with.stdout, path + ".bytes_per_op");
            assertThat(agent - base).as("%s: %.3f bytes/op with the agent, %.3f without", path, agent, base)
                .isLessThan(0.5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aStalledCollectorNeverBlocksTheApplication(Jvm jvm) throws Exception {
        // Accepts connections and never answers, like a collector that hangs.
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(stalled.accept());
                    }
                } catch (Exception closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ChildJvm.Result run = ChildJvm.on(jvm)
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + stalled.getLocalPort())
                .env("OTEL_BSP_SCHEDULE_DELAY", "50")
                .env("OTEL_METRIC_EXPORT_INTERVAL", "200")
                .agentArgs("shutdown.timeout.ms=2000")
                .fixture(ChurnApp.class, "2000").assertSuccess();
            long appMillis = (long) value(run.stdout, "app.millis");
            assertThat(run.stderr).contains("==== connscope connection report ====");
            assertThat(run.stderr).containsPattern("(?m)^  localhost:\\d+ +2000 +0 ");
            // The exit hook gives up on the dead collector after three quarters of its 2 s timeout instead of
            // hanging the JVM: what is left beyond the application's own work is JVM start-up plus that timeout.
            assertThat(run.unwrappedStderr()).contains("telemetry flush did not finish within 1500 ms (three quarters of"
                + " connscope.shutdown.timeout.ms=2000, the rest is for the report)");
            assertThat(run.millis - appMillis).isLessThan(8_000);
            for (Socket s : held) {
                s.close();
            }
        }
    }

    static double value(String output, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "=([0-9.]+)").matcher(output);
        if (!m.find()) {
            throw new AssertionError("no " + key + " in:\n" + output);
        }
        return Double.parseDouble(m.group(1));
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
