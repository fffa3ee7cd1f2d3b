package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.connscope.it.support.ChildJvm;
import io.connscope.testsupport.Chromium;
import io.connscope.testsupport.ChromiumPage;
import io.connscope.testsupport.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTML report's network panel, driven in Debian's headless Chromium through the DevTools
 * protocol as a user drives it: the mouse hovers, clicks and drags, the keyboard moves and types.
 * The report is the demo's churn and abortive-close scenarios, whose own counts are the truth the
 * panel's row counts are held to. Screenshots at 1,400 × 1,000 are kept in target/report-it/.
 */
class NetworkPanelIT {

    private static final int WIDTH = 1400;
    private static final int HEIGHT = 1000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Path dir;
    private static Path html;
    private static int churn;
    private static int abortive;
    private static Chromium browser;
    private ChromiumPage page;

    @BeforeAll
    static void report() throws Exception {
        Assumptions.assumeTrue(Chromium.available(),
            "chromium is not installed (.ci/run installs it); the browser tests of the HTML report are skipped");
        dir = Files.createDirectories(Paths.get("target", "report-it"));
        html = dir.resolve("panel-report.html").toAbsolutePath();
        Files.deleteIfExists(html);
        ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).agentArgs("report.html=" + html).demo("churn", "abortive-close")
            .assertSuccess();
        churn = Integer.parseInt(run.expectLine("client.connections=10").get("port"));
        abortive = Integer.parseInt(run.expectLine("client.close=abortive").get("port"));
        browser = Chromium.launch(WIDTH, HEIGHT);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void open() throws Exception {
        page = browser.open(html.toUri().toString(), WIDTH, HEIGHT);
        page.waitFor("document.body.getAttribute('data-rendered') === 'true'", WAIT);
    }

    @AfterEach
    void nothingWentWrongInThePage() {
        assertThat(page.problems()).as("errors in the page").isEmpty();
    }

    /** A segment one or two pixels wide answers the pointer: the tooltip names the exchange and the phase under it. */
    @Test
    void hoveringASegmentShowsWhatItIs() {
        filter("127.0.0.1:" + churn);
        assertThat(shown()).as("the demo's own count of churn connections").isEqualTo(10);
        String row = ".row[data-role=\"client\"][data-destination=\"127.0.0.1:" + churn + "\"]";
        String id = page.eval("document.querySelector('" + row + "').getAttribute('data-connection')").asText();
        double[] seg = page.rect(".row[data-connection=\"" + id + "\"] .seg.response");
        page.mouseMove(seg[0] + seg[2] / 2, seg[1] + seg[3] / 2);
        page.waitFor("document.getElementById('tooltip').style.display === 'block'", WAIT);
        assertThat(text("#tooltip")).startsWith("#" + id + " 127.0.0.1:" + churn + "\nGET /churn").contains("\nresponse ");
        // Nothing under the pointer at the far end of the track, after the connection ended: no tooltip.
        double[] track = page.rect(".row[data-connection=\"" + id + "\"] .track");
        page.mouseMove(track[0] + track[2] - 3, track[1] + track[3] / 2);
        page.waitFor("document.getElementById('tooltip').style.display === 'none'", WAIT);
    }

    /** The details pane stays in view wherever the page is scrolled to: it is beside the rows, not below them. */
    @Test
    void clickingARowShowsItsDetailsInView() {
        page.eval("window.scrollTo(0, document.getElementById('panel').getBoundingClientRect().top + window.scrollY + 200)");
        page.clickOn("#rows");
        page.press("End");
        String id = page.eval("document.querySelector('.row.selected').getAttribute('data-connection')").asText();
        page.press("ArrowUp");
        double[] last = page.rect(".row[data-connection=\"" + id + "\"]");
        page.click(last[0] + 100, last[1] + last[3] / 2);
        page.waitFor("document.getElementById('details').getAttribute('data-connection') === '" + id + "'", WAIT);
        double[] details = page.rect("#details");
        assertThat(details[1]).as("top of the details").isGreaterThanOrEqualTo(0);
        assertThat(details[1] + 40).as("the details begin within the window").isLessThan(HEIGHT);
        assertThat(text("#details")).contains("connection " + id + ":").contains("events").contains("bytes sent / received");
    }

    /** Filters count what they keep, against the demo's own counts. */
    @Test
    void filtersKeepTheRowsTheyName() {
        filter(":" + churn);
        assertThat(shown()).as("client and server side of the churn").isEqualTo(20);
        page.eval("document.getElementById('f-role').focus()"); // a click would open its menu
        page.press("ArrowDown"); // "client", the first role in the list
        page.waitFor("document.getElementById('f-role').value === 'client'", WAIT);
        assertThat(shown()).isEqualTo(10);
        page.press("ArrowDown"); // "server"
        page.waitFor("document.getElementById('f-role').value === 'server'", WAIT);
        assertThat(shown()).isEqualTo(10);
        assertThat(page.eval("[...document.querySelectorAll('.row[data-connection]')].map(r => r.getAttribute('data-classification'))"
            + ".filter(c => c !== 'local-close').length").asInt()).as("the server closes each after its answer").isZero();
        filter("");
        page.eval("document.getElementById('f-role').focus()");
        page.press("Home");
        page.waitFor("document.getElementById('f-role').value === ''", WAIT);
        filter("localhost:" + abortive);
        assertThat(shown()).isEqualTo(1);
        assertThat(page.eval("document.querySelector('.row[data-connection]').className").asText()).contains("warned");
    }

    /** Brushing the axis zooms to the range brushed; Reset zoom shows the whole run again. */
    @Test
    void brushingTheAxisZoomsAndTheAxisSaysSo() throws Exception {
        double span = Double.parseDouble(page.eval("document.getElementById('axis').getAttribute('data-to')").asText());
        assertThat(page.eval("document.getElementById('axis').getAttribute('data-from')").asText()).isEqualTo("0.000");
        double[] axis = page.rect("#axis");
        double y = axis[1] + axis[3] / 2;
        page.drag(axis[0] + axis[2] * 0.25, y, axis[0] + axis[2] * 0.5, y, 8);
        page.waitFor("document.getElementById('axis').getAttribute('data-from') !== '0.000'", WAIT);
        double from = Double.parseDouble(page.eval("document.getElementById('axis').getAttribute('data-from')").asText());
        double to = Double.parseDouble(page.eval("document.getElementById('axis').getAttribute('data-to')").asText());
        assertThat(from).isCloseTo(span * 0.25, within(span * 0.01));
        assertThat(to).isCloseTo(span * 0.5, within(span * 0.01));
        // The ticks are labelled within the range now shown.
        String ticks = page.eval("[...document.querySelectorAll('#axis .tick')].map(t => t.textContent).join('|')").asText();
        assertThat(ticks).doesNotStartWith("0|");
        Files.write(dir.resolve("network-panel-zoomed.png"), page.screenshot());
        page.clickOn("#zoom-reset");
        page.waitFor("document.getElementById('axis').getAttribute('data-from') === '0.000'", WAIT);
        assertThat(Double.parseDouble(page.eval("document.getElementById('axis').getAttribute('data-to')").asText()))
            .isEqualTo(span);
        // The keyboard zooms too: + halves the range around its middle.
        page.clickOn("#rows");
        page.press("+");
        page.waitFor("document.getElementById('axis').getAttribute('data-from') !== '0.000'", WAIT);
        assertThat(Double.parseDouble(page.eval("document.getElementById('axis').getAttribute('data-from')").asText()))
            .isCloseTo(span * 0.25, within(span * 0.01));
    }

    /** A warning links to its connections, its evidence to the connection it names, and a connection back to its warning. */
    @Test
    void warningsLinkToTheirRowsAndBack() throws Exception {
        page.clickOn(".warning[data-rule=\"abortive-close\"][data-destination=\"localhost:" + abortive + "\"] .rows-link");
        page.waitFor("document.getElementById('details').hasAttribute('data-connection')", WAIT);
        String id = page.eval("document.getElementById('details').getAttribute('data-connection')").asText();
        assertThat(shown()).isEqualTo(1);
        double[] row = page.rect(".row.selected");
        double[] rows = page.rect("#rows");
        assertThat(row[1]).as("the row is in the list's view").isBetween(rows[1], rows[1] + rows[3] - row[3]);
        assertThat(row[1] + row[3]).as("and in the window").isLessThanOrEqualTo(HEIGHT);
        assertThat(page.eval("document.querySelector('.row.selected').getAttribute('data-destination')").asText())
            .isEqualTo("localhost:" + abortive);
        Files.write(dir.resolve("network-panel.png"), page.screenshot());
        // ... and back from the details to the warning.
        page.clickOn("#details .warning-link");
        String warning = ".warning[data-rule=\"abortive-close\"][data-destination=\"localhost:" + abortive + "\"]";
        page.waitFor("document.querySelector('" + warning + "').classList.contains('flash')", WAIT);
        double[] w = page.rect(warning);
        assertThat(w[1]).isBetween(0.0, (double) HEIGHT - 20);
        // Evidence that names a connection ("request 2 was sent on connection 3 after ...") links to it.
        String reset = ".warning[data-destination=\"127.0.0.1:" + churn + "\"] .connection-link";
        String named = page.eval("document.querySelector('" + reset + "').getAttribute('data-connection')").asText();
        page.clickOn(reset);
        page.waitFor("document.getElementById('details').getAttribute('data-connection') === '" + named + "'", WAIT);
        assertThat(id).isNotEqualTo(named);
    }

    /** The list is driven from the keyboard: arrows move, Enter folds a destination, / goes to the filter. */
    @Test
    void theKeyboardDrivesTheList() {
        page.clickOn("#rows");
        page.press("Home");
        assertThat(page.eval("document.querySelector('.row.selected').classList.contains('group')").asBoolean()).isTrue();
        int rows = page.eval("document.querySelectorAll('.row').length").asInt();
        page.press("ArrowDown");
        page.waitFor("document.getElementById('details').hasAttribute('data-connection')", WAIT);
        page.press("ArrowUp");
        page.press("Enter");
        page.waitFor("document.querySelector('.row.group').getAttribute('aria-expanded') === 'false'", WAIT);
        assertThat(page.eval("document.querySelectorAll('.row').length").asInt()).isLessThan(rows);
        page.press("Enter");
        page.waitFor("document.querySelector('.row.group').getAttribute('aria-expanded') === 'true'", WAIT);
        page.press("/");
        page.waitFor("document.activeElement === document.getElementById('f-text')", WAIT);
        page.type("localhost:" + abortive);
        page.waitFor("document.getElementById('count').getAttribute('data-shown') === '1'", WAIT);
    }

    private void filter(String text) {
        page.eval("document.getElementById('f-text').select()");
        page.clickOn("#f-text");
        page.press("End");
        page.eval("document.getElementById('f-text').select()");
        if (text.isEmpty()) {
            page.press("Backspace");
        } else {
            page.type(text);
        }
        page.waitFor("document.getElementById('f-text').value === '" + text + "'", WAIT);
    }

    private int shown() {
        return Integer.parseInt(page.eval("document.getElementById('count').getAttribute('data-shown')").asText());
    }

    private String text(String selector) {
        return page.eval("document.querySelector('" + selector + "').textContent").asText();
    }
}
