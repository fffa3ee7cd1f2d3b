package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connscope.it.fixtures.IdleApp;
import io.connscope.it.fixtures.LiveReportApp;
import io.connscope.it.fixtures.TrafficApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.testsupport.Chromium;
import io.connscope.testsupport.ChromiumPage;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HTML report, rendered by a real browser (Debian's chromium, headless, driven through the
 * DevTools protocol): the network panel has a row per connection of each scenario, with its
 * classification and warnings, on every JDK; a screenshot is kept in target/ as an artifact. And the
 * live report: its endpoints, its bounds, and its view that refreshes itself while traffic flows.
 * ({@link NetworkPanelIT} drives the panel's controls.)
 */
class ReportIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void theBrowserDrawsEveryConnectionOfTheDemo(Jvm jvm) throws Exception {
        Assumptions.assumeTrue(Chromium.available(),
            "chromium is not installed (.ci/run installs it); the browser test of the HTML report is skipped");
        Path dir = Files.createDirectories(Paths.get("target", "report-it", jvm.name()));
        Path html = dir.resolve("report.html").toAbsolutePath();
        Files.deleteIfExists(html);
        ChildJvm.Result run = ChildJvm.on(jvm).agentArgs("report.html=" + html)
            .demo("churn", "abortive-close").assertSuccess();
        assertThat(Files.readString(html)).doesNotContain("<script src").doesNotContain("<link").doesNotContain("http://")
            .doesNotContain("https://");
        assertThat(run.stderr).contains("[connscope] wrote the HTML report to " + html + "\n");
        int churn = Integer.parseInt(run.expectLine("client.connections=10").get("port"));
        int abortive = Integer.parseInt(run.expectLine("client.close=abortive").get("port"));
        try (Chromium browser = Chromium.launch(1400, 1000)) {
            ChromiumPage page = browser.open(html.toUri().toString(), 1400, 1000);
            page.waitFor("document.body.getAttribute('data-rendered') === 'true'", WAIT);
            assertThat(rows(page, "127.0.0.1:" + churn)).hasSize(10)
                .allSatisfy(r -> assertThat(r[2]).isEqualTo("client"));
            assertThat(rows(page, "listening :" + churn)).hasSize(10).allSatisfy(r -> {
                assertThat(r[2]).isEqualTo("server");
                assertThat(r[3]).isEqualTo("local-close");
            });
            assertThat(rows(page, "localhost:" + abortive)).singleElement().satisfies(r -> {
                assertThat(r[3]).isEqualTo("abortive");
                assertThat(r[0]).contains("warned");
            });
            assertThat(rows(page, "listening :" + abortive)).singleElement()
                .satisfies(r -> assertThat(r[3]).isEqualTo("reset"));
            assertThat(page.eval("document.getElementById('warnings').textContent").asText()).contains("WARN abortive-close");
            assertThat(page.eval("[...document.querySelectorAll('#destinations th')].map(t => t.textContent)").toString())
                .contains("\"role\"", "\"reuse\"");
            assertThat(page.problems()).isEmpty();
            Path screenshot = dir.resolve("report-screenshot.png");
            Files.write(screenshot, page.screenshot());
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        }
    }

    /** The rows of one destination, as [class, id, role, classification]: filtered in the page, as a user would. */
    private static List<String[]> rows(ChromiumPage page, String destination) {
        page.eval("(() => { const f = document.getElementById('f-text'); f.value = ''; f.dispatchEvent(new Event('input')); })()");
        page.eval("document.getElementById('f-text').focus()");
        page.type(destination.startsWith("listening ") ? destination.substring("listening ".length()) : destination);
        JsonNode rows = page.eval("[...document.querySelectorAll('.row[data-connection]')]"
            + ".filter(r => r.getAttribute('data-destination') === '" + destination + "')"
            + ".map(r => [r.className, r.getAttribute('data-connection'), r.getAttribute('data-role'),"
            + " r.getAttribute('data-classification')])");
        List<String[]> out = new ArrayList<>();
        rows.forEach(r -> out.add(new String[] {r.get(0).asText(), r.get(1).asText(), r.get(2).asText(), r.get(3).asText()}));
        return out;
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
        assertThat(html).contains("<title>connscope report</title>").contains("\"live\":true")
            .contains("\"cells\":[\":" + app + "\",\"1\"").contains("\"cells\":[\"localhost:" + app + "\",\"1\"");
        assertThat(line(run.stdout, "live /report.txt body:")).contains("==== connscope connection report ====")
            .contains("localhost:" + app);
        assertThat(run.stderr).containsPattern("\\[connscope\\] connscope \\S+: report at exit to stderr; live report on"
            + " http://127.0.0.1:" + port + "/; nothing exported \\(no OTLP endpoint: set otel.exporter.otlp.endpoint\\)"
            + " \\(connscope.banner=false silences this\\)\n");
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

    /**
     * The live view refreshes itself: connections opened after the page was loaded appear in it with no
     * reload, the oldest go once the ring is full (the latest 40 kept here), and its data is served as
     * JSON for scripts. The traffic's truth is the application's own count of the connections it opened.
     */
    @Test
    void theLiveViewShowsNewConnectionsWithoutAReload() throws Exception {
        Assumptions.assumeTrue(Chromium.available(), "chromium is not installed (.ci/run installs it)");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path stop = Files.createTempDirectory("live").resolve("stop");
        try (ChildJvm.Running app = ChildJvm.on(Jvm.JDK17).agentArgs("report.port=" + port + ",report.connections=40")
                 .startFixture(TrafficApp.class, stop.toString());
             Chromium browser = Chromium.launch(1400, 1000)) {
            app.awaitLine("ready=yes", 60);
            app.awaitLine("opened=5", 60);
            ChromiumPage page = browser.open("http://127.0.0.1:" + port + "/", 1400, 1000);
            page.waitFor("document.body.getAttribute('data-rendered') === 'true'", WAIT);
            int first = page.eval("Number(document.body.getAttribute('data-newest'))").asInt();
            assertThat(first).isPositive();
            page.waitFor("Number(document.body.getAttribute('data-newest')) > " + first, WAIT);
            int newest = page.eval("Number(document.body.getAttribute('data-newest'))").asInt();
            page.eval("document.getElementById('f-text').focus()");
            page.type("#" + newest);
            page.waitFor("document.getElementById('count').getAttribute('data-shown') === '1'", WAIT);
            assertThat(page.eval("document.querySelector('.row[data-connection]').getAttribute('data-connection')").asText())
                .isEqualTo(String.valueOf(newest));
            // Each of the application's requests is a client and a server connection; once 40 are kept, the oldest go.
            app.awaitLine("opened=40", 60);
            page.waitFor("document.getElementById('meta').textContent.includes('more counted in the tables')", WAIT);
            page.eval("(() => { const f = document.getElementById('f-text'); f.value = ''; f.dispatchEvent(new Event('input')); })()");
            int kept = Integer.parseInt(page.eval("document.getElementById('count').getAttribute('data-shown')").asText());
            // 40 recent (and up to 10 warned), less a few whose exchanges the connections still open took over
            assertThat(kept).isBetween(30, 50);
            assertThat(page.eval("document.querySelector('.row[data-connection=\"1\"]') === null").asBoolean()).isTrue();
            assertThat(page.problems()).isEmpty();
            // The same data for scripts.
            JsonNode api = new ObjectMapper().readTree(get(port, "GET /api/report.json HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\n\r\n").split("\r\n\r\n", 2)[1]);
            assertThat(api.get("live").asBoolean()).isTrue();
            assertThat(api.get("connectionFields").get(0).asText()).isEqualTo("id");
            assertThat(api.get("connections").size()).isBetween(30, 50);
            assertThat(api.get("omittedConnections").asLong()).isPositive();
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
}
