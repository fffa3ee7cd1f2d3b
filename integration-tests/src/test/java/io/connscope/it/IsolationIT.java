package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.OwnLibrariesApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** connscope's bundled libraries stay invisible to an application that carries its own versions. */
class IsolationIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void applicationKeepsUsingItsOwnOpenTelemetryByteBuddyAndProtobuf(Jvm jvm) throws Exception {
        List<String> appLibs = Arrays.asList(
            Files.readString(Paths.get(System.getProperty("connscope.app.classpath.file"))).trim().split(java.io.File.pathSeparator));
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).fixture(OwnLibrariesApp.class, appLibs).assertSuccess();
            assertThat(run.stdout).contains("app.spans=1", "app.bytebuddy=made by the app's Byte Buddy");
            assertThat(run.stdout).containsPattern("app.sdk.location=.*opentelemetry-sdk-trace-1\\.40\\.0\\.jar");
            assertThat(run.stdout).containsPattern("app.bytebuddy.location=.*byte-buddy-1\\.14\\.19\\.jar");
            assertThat(run.stdout).contains("app.protobuf=v").containsPattern("app.protobuf.location=.*protobuf-java-[0-9.]+\\.jar");
            int port = Integer.parseInt(run.expectLine("sent=11").get("port"));
            List<SpanView> client = otlp.spans().connections("client", port);
            assertThat(client).hasSize(1);
            assertThat(client.get(0).num("connscope.connection.bytes_sent")).isEqualTo(11);
            // connscope's spans come from its own SDK, not the application's global one.
            assertThat(client.get(0).scope).isEqualTo("io.connscope");
            assertThat(run.stderr).doesNotContain("Exception");
        }
    }
}
