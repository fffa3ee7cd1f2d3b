package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.TwoClientsApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenTelemetry Java agent loaded before or after connscope: both work, connscope's exchanges join
 * that agent's traces, and neither agent follows the other's exports: that agent's connections to the
 * collector are not taken for the application's, and connscope's own OTLP requests get no span from it.
 */
class OtelAgentIT {

    private static final String OTEL_AGENT = Paths.get(System.getProperty("otel.javaagent.jar")).toAbsolutePath().toString();

    @ParameterizedTest(name = "{0}, OpenTelemetry agent {1}")
    @CsvSource({"JDK17, first", "JDK17, second", "JDK25, first", "JDK25, second"})
    void bothAgentsWorkInEitherOrder(Jvm jvm, String order) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm child = ChildJvm.on(jvm).exportingTo(otlp).timeoutSeconds(180);
            if (order.equals("first")) {
                child.jvmArgBeforeAgent("-javaagent:" + OTEL_AGENT);
            } else {
                child.jvmArg("-javaagent:" + OTEL_AGENT);
            }
            ChildJvm.Result run = child.fixture(TwoClientsApp.class).assertSuccess();
            int port = Integer.parseInt(run.expectLine("ok=3").get("port"));

            // connscope: every exchange, on both sides.
            List<SpanView> exchanges = otlp.spans().exchanges("client", port);
            assertThat(exchanges).hasSize(3);
            assertThat(otlp.spans().exchanges("server", port)).hasSize(3);

            // The OpenTelemetry agent: its HTTP client spans for the application's requests, two for
            // HttpURLConnection and one for java.net.http.
            List<SpanView> otelClient = otlp.spans().where(s -> s.scope.startsWith("io.opentelemetry.")
                && s.span.getKind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT
                && Long.valueOf(port).equals(s.num("server.port")));
            assertThat(otelClient).extracting(s -> s.scope).containsExactlyInAnyOrder(
                "io.opentelemetry.http-url-connection", "io.opentelemetry.http-url-connection",
                "io.opentelemetry.java-http-client");
            // Its traceparent went out on the wire, and connscope's exchange spans joined those traces.
            Set<String> traces = otelClient.stream().map(SpanView::traceIdHex).collect(Collectors.toSet());
            assertThat(exchanges).allSatisfy(e -> assertThat(traces).contains(e.traceIdHex()));
            // Neither agent follows the other's exports: the OpenTelemetry agent's connections to the collector are
            // not the application's, and connscope's OTLP requests get no span from that agent, in either order.
            assertThat(otlp.spans().connections("client", otlp.port())).isEmpty();
            assertThat(otlp.spans().where(s -> s.scope.startsWith("io.opentelemetry.")
                && Long.valueOf(otlp.port()).equals(s.num("server.port")))).isEmpty();
            assertThat(otlp.spans().where(s -> s.scope.startsWith("io.opentelemetry."))).extracting(s -> s.scope)
                .as("every span of the OpenTelemetry agent is about the application's requests, client and server side")
                .containsOnly("io.opentelemetry.http-url-connection", "io.opentelemetry.java-http-client",
                    "io.opentelemetry.java-http-server");
            assertThat(run.unwrappedStderr()).containsPattern("\\d+ connection\\(s\\) to OTLP collectors were not followed")
                .doesNotContain("internal error");
        }
    }
}
