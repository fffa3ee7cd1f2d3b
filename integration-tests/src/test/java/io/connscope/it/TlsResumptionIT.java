package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.StackFixtures;
import io.connscope.testsupport.Jvm;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS resumption through engines that are not the JDK's, against OpenSSL's own test server, whose
 * status page says for each connection whether it resumed a session: that page is the truth. Two
 * connections, one client context: the first is new, the second resumes, and connscope says the same.
 */
class TlsResumptionIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void conscryptResumesOnItsSecondConnection(Jvm jvm) throws Exception {
        resumption(jvm, "conscrypt");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void boringSslResumesOnItsSecondConnection(Jvm jvm) throws Exception {
        resumption(jvm, "boringssl");
    }

    private static void resumption(Jvm jvm, String engine) throws Exception {
        List<String> classpath = StackFixtures.classpath();
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.TlsResumptionApp", classpath, engine)
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=tls-resumption-" + engine + " ");
            assertThat(truth.get("first")).as("OpenSSL's page for the first connection").isEqualTo("New");
            assertThat(truth.get("second")).as("OpenSSL's page for the second connection").isEqualTo("Reused");
            int port = Integer.parseInt(truth.get("port"));
            List<SpanView> connections = otlp.spans().connections("client", port).stream()
                .sorted(Comparator.comparingLong(s -> s.span.getStartTimeUnixNano())).collect(Collectors.toList());
            assertThat(connections).hasSize(2);
            assertThat(connections).extracting(c -> c.bool("tls.resumed")).containsExactly(false, true);
            assertThat(connections).extracting(c -> c.str("tls.protocol.version"))
                .containsOnly(truth.get("protocol").substring("TLSv".length()));
            assertThat(connections).extracting(c -> c.num("connscope.tls.handshakes")).containsOnly(1L);
        }
    }
}
