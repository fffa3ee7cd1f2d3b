package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.IdleApp;
import io.connscope.it.fixtures.LiveReportApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.testsupport.Jvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HTML report, rendered by a real browser (Debian's chromium, headless): the waterfall has a row
 * per connection of each scenario, with its classification and warnings; a screenshot is kept in
 * target/ as an artifact. And the live report endpoint.
 */
class ReportIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Pattern ROW = Pattern.compile(
        "<div class=\"row( warned)?\" data-connection=\"(\\d+)\" data-destination=\"([^\"]+)\" data-role=\"(\\w+)\""
            + " data-classification=\"([\\w-]+)\"");

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void theBrowserDrawsEveryConnectionOfTheWaterfall(Jvm jvm) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
            "chromium is not installed (.ci/run installs it); the browser test of the HTML report is skipped");
        Path dir = Files.createDirectories(Paths.get("target", "report-it", jvm.name()));
        Path html = dir.resolve("report.html");
        Files.deleteIfExists(html);
        ChildJvm.Result run = ChildJvm.on(jvm).agentArgs("report.html=" + html.toAbsolutePath())
            .demo("churn", "abortive-close").assertSuccess();
        assertThat(Files.readString(html)).doesNotContain("<script src").doesNotContain("<link").doesNotContain("http://")
            .doesNotContain("https://");

        String dom = chromium("--dump-dom", html);
        assertThat(dom).contains("data-rendered=\"true\"");
        List<String[]> rows = new ArrayList<>();
        Matcher m = ROW.matcher(dom);
        while (m.find()) {
            rows.add(new String[] {m.group(1) == null ? "" : "warned", m.group(2), m.group(3), m.group(4), m.group(5)});
        }
        int churn = Integer.parseInt(run.expectLine("client.connections=10").get("port"));
        assertThat(rows).filteredOn(r -> r[2].equals("127.0.0.1:" + churn) && r[3].equals("client")).hasSize(10);
        assertThat(rows).filteredOn(r -> r[2].equals("listening :" + churn) && r[3].equals("server")).hasSize(10)
            .allSatisfy(r -> assertThat(r[4]).isEqualTo("local-close"));
        int abortive = Integer.parseInt(run.expectLine("client.close=abortive").get("port"));
        assertThat(rows).filteredOn(r -> r[2].equals("localhost:" + abortive))
            .singleElement().satisfies(r -> {
                assertThat(r[4]).isEqualTo("abortive");
                assertThat(r[0]).isEqualTo("warned");
            });
        assertThat(rows).filteredOn(r -> r[2].equals("listening :" + abortive))
            .singleElement().satisfies(r -> assertThat(r[4]).isEqualTo("reset"));
        assertThat(dom).contains("WARN abortive-close").contains("<th>reuse</th>");

        Path screenshot = dir.resolve("report-screenshot.png");
        Files.deleteIfExists(screenshot);
        chromium("--screenshot=" + screenshot.toAbsolutePath(), html);
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    @Test
    void theLiveReportServesTheCurrentReportOnLoopback() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).agentArgs("report.port=" + port)
            .fixture(LiveReportApp.class, Integer.toString(port)).assertSuccess();
        int app = Integer.parseInt(run.expectLine("port=").get("port"));
        assertThat(run.stdout).contains("live / status=200 type=text/html; charset=utf-8")
            .contains("live /report.txt status=200 type=text/plain; charset=utf-8")
            .contains("live /missing status=404");
        String html = line(run.stdout, "live / body:");
        assertThat(html).contains("<title>connscope report</title>").contains("[\":" + app + "\",\"1\"")
            .contains("[\"localhost:" + app + "\",\"1\"");
        assertThat(line(run.stdout, "live /report.txt body:")).contains("==== connscope connection report ====")
            .contains("localhost:" + app);
        assertThat(run.stderr).contains("[connscope] live report on http://127.0.0.1:" + port + "/");
        // The live report's own side of those connections is connscope's: never in the report. It closes
        // each connection after its response, so the application's three requests took three.
        assertThat(run.stderr).containsPattern("(?m)^  127\\.0\\.0\\.1:" + port + " +3 +0 .* 3/3 ")
            .doesNotContainPattern("(?m)^  :" + port + " ");
        // Bound to loopback only: the same port on the host's other addresses does not answer.
        Assumptions.assumeTrue(run.stdout.contains("live other-address "), "this host has no non-loopback address");
        assertThat(run.stdout).doesNotContain(" answered").contains(" refused");
    }

    /**
     * Slow clients cannot lock the live report out, and a request that does not name it (a page from
     * another site, or one rebinding its own name to 127.0.0.1) gets nothing of it.
     */
    @Test
    void theLiveReportWithstandsSlowClientsAndAnswersOnlyRequestsThatNameIt() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path stop = Files.createTempDirectory("live").resolve("stop");
        try (ChildJvm.Running app = ChildJvm.on(Jvm.JDK17).agentArgs("report.port=" + port)
                 .startFixture(IdleApp.class, stop.toString())) {
            app.awaitLine("ready=yes", 60);
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII)); // and the rest of the head never comes
                slow.add(s);
            }
            long start = System.nanoTime();
            String answer = get(port, "GET /report.txt HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("answered beside 20 slow clients")
                .isLessThan(3_000);
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("==== connscope connection report ====");
            String rebound = get(port, "GET / HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n\r\n");
            assertThat(rebound).startsWith("HTTP/1.1 403 Forbidden\r\n").doesNotContain("connscope report");
            String crossSite = get(port, "GET /report.txt HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nOrigin: http://attacker.example\r\n\r\n");
            assertThat(crossSite).startsWith("HTTP/1.1 403 Forbidden\r\n").doesNotContain("connscope connection report");
            // The slow clients are let go once their head is overdue (5 s).
            for (Socket s : slow) {
                s.setSoTimeout(10_000);
                assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                s.close();
            }
            Files.createFile(stop);
            app.awaitExit(60).assertSuccess();
        }
    }

    /** One request on its own connection; the whole response as text. */
    private static String get(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }

    private static String chromium(String mode, Path html) throws IOException, InterruptedException {
        Path out = Files.createTempFile("chromium", ".out");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--window-size=1400,900", mode, html.toUri().toString())
            .redirectErrorStream(false).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
