package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.SecretsApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Secrets on the wire never leave the process: every byte exported over OTLP, the exit report (text
 * and HTML) and connscope's log lines are scanned for values planted in credentials, cookies, an
 * idempotency key, the query string and the bodies.
 */
class PrivacyIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void plantedSecretsAppearNowhereConnscopeWrites(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            Path report = dir.resolve("reports/report.txt");
            Path html = dir.resolve("reports/report.html");
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .agentArgs("report.file=" + report + ",report.html=" + html).fixture(SecretsApp.class).assertSuccess();
            int port = Integer.parseInt(run.expectLine("expect:").get("port"));

            // The exchanges were analysed and exported, so the scan below looks at real telemetry.
            List<SpanView> client = otlp.spans().exchanges("client", port);
            List<SpanView> server = otlp.spans().exchanges("server", port);
            assertThat(client).extracting(s -> s.str("http.request.method"))
                .containsExactlyInAnyOrder("GET", "POST", "POST", "PUT");
            assertThat(server).hasSize(4);
            for (SpanView e : concat(client, server)) {
                assertThat(e.str("url.path")).isEqualTo("/accounts/42");
                assertThat(e.has("url.query")).as("url.query without connscope.capture.query").isFalse();
            }
            assertThat(otlp.bodies()).isNotEmpty();

            List<String> places = new ArrayList<>();
            for (byte[] body : otlp.bodies()) {
                places.add(new String(body, StandardCharsets.ISO_8859_1));
            }
            places.add(Files.readString(report));
            places.add(Files.readString(html));
            places.add(run.stderr);
            assertThat(Files.readString(report)).contains("==== connscope connection report ====");
            for (String place : places) {
                assertThat(place).doesNotContain(SecretsApp.SECRETS);
            }

            // Reports are for their owner only, and so are the directories connscope made for them.
            for (Path file : new Path[] {report, html}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(report.getParent())))
                .isEqualTo("rwx------");
        }
    }

    @Test
    void theQueryIsExportedOnlyWhenAskedForAndNothingElseWith() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK17).exportingTo(otlp).env("CONNSCOPE_CAPTURE_QUERY", "true")
                .fixture(SecretsApp.class).assertSuccess();
            int port = Integer.parseInt(run.expectLine("expect:").get("port"));
            List<SpanView> exchanges = concat(otlp.spans().exchanges("client", port), otlp.spans().exchanges("server", port));
            assertThat(exchanges).hasSize(8).allSatisfy(e -> {
                assertThat(e.str("url.path")).isEqualTo("/accounts/42");
                assertThat(e.str("url.query")).isEqualTo(SecretsApp.QUERY);
            });
            String[] others = new String[SecretsApp.SECRETS.length - 1];
            int i = 0;
            for (String secret : SecretsApp.SECRETS) {
                if (!SecretsApp.QUERY.contains(secret)) {
                    others[i++] = secret;
                }
            }
            for (byte[] body : otlp.bodies()) {
                assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain(others);
            }
            // The report keeps leaving queries out: it is a file on disk, not the telemetry pipeline asked for.
            assertThat(run.stderr).doesNotContain(SecretsApp.SECRETS);
        }
    }

    private static List<SpanView> concat(List<SpanView> a, List<SpanView> b) {
        List<SpanView> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
