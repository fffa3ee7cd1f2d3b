package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.HostileWireApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.testsupport.Jvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What comes from the wire or from the application's host names never reaches the operator's
 * terminal as control characters, and never makes the reports outgrow their bounds: 300
 * destinations, each with a 15 KB request path full of escape sequences and a truncated response
 * (a warning quoting the path at each), and a host name carrying a forged report line. Everything
 * connscope prints goes to stderr here, spans and log records too (console exporters), and is
 * checked byte by byte.
 */
class HostileWireIT {

    private static final int DESTINATIONS = 300;
    private static final int TEXT_REPORT_BOUND = 1024 * 1024;
    private static final int HTML_REPORT_BOUND = 16 * 1024 * 1024;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void noControlCharacterReachesTheOperatorAndTheReportsStayWithinTheirBounds(Jvm jvm) throws Exception {
        Path html = Files.createTempDirectory("hostile-wire").resolve("report.html");
        ChildJvm.Result run = ChildJvm.on(jvm).agentArgs("report.html=" + html)
            .env("OTEL_TRACES_EXPORTER", "console").env("OTEL_LOGS_EXPORTER", "console")
            .env("OTEL_METRICS_EXPORTER", "none")
            .fixture(HostileWireApp.class, Integer.toString(DESTINATIONS)).assertSuccess();
        assertThat(run.expectLine("forged=").get("forged")).isEqualTo("refused");

        // Byte by byte: nothing but printable text and line feeds, from connscope's lines, the report,
        // the spans and the log records alike.
        byte[] err = run.stderr.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < err.length; i++) {
            int b = err[i] & 0xFF;
            assertThat(b < 0x20 && b != '\n' || b == 0x7F).as("control byte 0x%02x at %d of stderr: %s", b, i,
                context(run.stderr, i)).isFalse();
        }
        assertThat(run.stderr.chars().filter(c -> c >= 0x80 && c <= 0x9F).count()).as("C1 controls").isZero();
        assertThat(run.stderr).doesNotContain("\n  WARN injected-line");
        // The escapes are shown, not acted on.
        assertThat(run.stderr).contains("segment\\x1b[2J\\x1b]0;pwned\\x07\\x0dX\\x9b1m/");
        // A destination too long for its column has a line of its own, above its figures.
        assertThat(run.stderr).contains("\n  evil\\x0d\\x0a  WARN injected…\n");

        // The truth the warnings claim: every response was cut at 5 of its 10 bytes.
        String report = run.stderr.substring(run.stderr.indexOf("==== connscope connection report ===="));
        assertThat(report).contains("WARN truncated-body at localhost:").contains("received 5 of 10 bytes.")
            .contains("WARN truncated-body at listening :").contains("sent 5 of 10 bytes.");
        assertThat(report.getBytes(StandardCharsets.UTF_8).length).isLessThan(TEXT_REPORT_BOUND);
        assertThat(report.lines().mapToInt(String::length).max().getAsInt()).as("widest report line")
            .isLessThan(1_100);
        assertThat(Files.size(html)).isLessThan(HTML_REPORT_BOUND);
        System.out.printf("HostileWireIT on %s: text report %d bytes, widest line %d, HTML report %d bytes%n", jvm,
            report.getBytes(StandardCharsets.UTF_8).length, report.lines().mapToInt(String::length).max().getAsInt(),
            Files.size(html));
    }

    private static String context(String s, int byteIndex) {
        int at = Math.min(s.length(), byteIndex);
        return s.substring(Math.max(0, at - 80), Math.min(s.length(), at + 20));
    }
}
