package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.VirtualThreadsApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.testsupport.Jvm;
import org.junit.jupiter.api.Test;

/** Thousands of concurrent requests on virtual threads (JDK 25): every connection and exchange, on both sides. */
class VirtualThreadsIT {

    private static final int REQUESTS = 3000;

    @Test
    void everyRequestOnAVirtualThreadIsFollowed() throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(Jvm.JDK25).exportingTo(otlp)
                .env("OTEL_TRACES_EXPORTER", "none")
                .timeoutSeconds(180)
                .fixture(VirtualThreadsApp.class, String.valueOf(REQUESTS)).assertSuccess();
            int port = Integer.parseInt(run.expectLine("ok=").get("port"));
            assertThat(run.expectLine("ok=").get("ok")).isEqualTo(String.valueOf(REQUESTS));
            for (String role : new String[] {"client", "server"}) {
                assertThat(MetricsAssert.lastSum(otlp, "connscope.connection.opened", role, port)).as(role).isEqualTo(REQUESTS);
                assertThat(MetricsAssert.lastSum(otlp, "connscope.http.exchanges", role, port)).as(role).isEqualTo(REQUESTS);
            }
            assertThat(run.stderr).doesNotContain("internal error").doesNotContain("Exception");
        }
    }
}
