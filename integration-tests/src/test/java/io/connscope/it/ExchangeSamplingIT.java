package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.ScenarioPort;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Without a sampled share of healthy exchanges, only exchanges with a warning or a sampled
 * traceparent get a span, while connections keep theirs and the exchange counter counts all.
 */
class ExchangeSamplingIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void onlyTracedAndWarnedExchangesGetSpansButAllAreCounted(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).defaultSampling()
                .env("CONNSCOPE_EXCHANGE_SPANS_RATIO", "0").demo("keep-alive", "truncated-body").assertSuccess();
            Spans spans = ScenarioPort.attributed(run, otlp.spans());

            Map<String, String> keepAlive = run.expectLine("client.connections=1 server.connections=1");
            int port = Integer.parseInt(keepAlive.get("port"));
            String traceId = keepAlive.get("traceparent").split("-")[1];
            for (String role : new String[] {"client", "server"}) {
                // Ten exchanges: the one whose request carried a sampled traceparent has a span, in its trace.
                List<SpanView> exchanges = spans.exchanges(role, port);
                assertThat(exchanges).as(role).hasSize(1);
                assertThat(exchanges.get(0).traceIdHex()).isEqualTo(traceId);
                assertThat(exchanges.get(0).num("connscope.connection.request_index")).isEqualTo(1);
                SpanView connection = spans.connections(role, port).get(0);
                assertThat(connection.num("connscope.http.requests")).isEqualTo(10);
                assertThat(connection.span.getLinksList()).hasSize(1);
                assertThat(MetricsAssert.lastSum(otlp, "connscope.http.exchanges", role, port)).as(role).isEqualTo(10);
            }

            int truncatedPort = Integer.parseInt(run.stdout.lines().dropWhile(l -> !l.startsWith("== truncated-body:"))
                .filter(l -> l.startsWith("expect:") && l.contains(" port=")).findFirst().orElseThrow()
                .replaceAll(".*port=(\\d+).*", "$1"));
            for (String role : new String[] {"client", "server"}) {
                // The truncated exchange raised a warning, so it keeps its span, with the warning as an event.
                List<SpanView> exchanges = spans.exchanges(role, truncatedPort);
                assertThat(exchanges).as(role).hasSize(1);
                assertThat(exchanges.get(0).span.getEventsList()).extracting(e -> e.getName())
                    .containsExactly("connscope.warning");
                assertThat(MetricsAssert.lastSum(otlp, "connscope.http.exchanges", role, truncatedPort)).isEqualTo(1);
            }
        }
    }

    /**
     * A GET that HttpURLConnection resent after its cached connection had died raises no warning, yet
     * both its failed attempt (error.type) and the resend (resend_count) keep their spans; the first,
     * healthy GET does not.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void resentAndFailedExchangesAlwaysGetSpans(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).defaultSampling()
                .env("CONNSCOPE_EXCHANGE_SPANS_RATIO", "0").demo("stale-keepalive").assertSuccess();
            int get = Integer.parseInt(run.expectLine("step=get ").get("port"));
            List<SpanView> exchanges = Spans.byStart(otlp.spans().exchanges("client", get));
            assertThat(exchanges).hasSize(2);
            assertThat(exchanges.get(0).str("error.type")).isEqualTo("no_response");
            assertThat(exchanges.get(0).has("http.request.resend_count")).isFalse();
            assertThat(exchanges.get(1).num("http.request.resend_count")).isEqualTo(1);
            assertThat(exchanges.get(1).has("error.type")).isFalse();
            assertThat(otlp.logs().stream().filter(l -> l.has("connscope.rule") && Objects.equals(l.num("server.port"),
                (long) get) && "client".equals(l.str("connscope.connection.role")))).as("no warning on the client").isEmpty();
            assertThat(MetricsAssert.lastSum(otlp, "connscope.http.exchanges", "client", get)).isEqualTo(3);
        }
    }
}
