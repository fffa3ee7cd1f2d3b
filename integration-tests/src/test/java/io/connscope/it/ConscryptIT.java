package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import io.connscope.testsupport.Jvm;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An SSLEngine that is not the JDK's: java.net.http over Conscrypt (BoringSSL), whose engine connscope
 * finds as it loads and follows like the JDK's, against the JDK's HttpsServer.
 */
class ConscryptIT {

    private static final int REQUESTS = 5;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void javaHttpClientOverConscrypt(Jvm jvm) throws Exception {
        List<String> classpath = StackFixtures.classpath();
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).main("io.connscope.stacks.ConscryptApp", classpath)
                .assertSuccess();
            Map<String, String> truth = run.expectLine("stack=conscrypt ");
            assertThat(truth.get("engine")).startsWith("org.conscrypt.");
            assertThat(truth.get("server.requests")).isEqualTo(String.valueOf(REQUESTS));
            assertThat(truth.get("client.answered")).isEqualTo(String.valueOf(REQUESTS));
            int port = Integer.parseInt(truth.get("port"));
            Spans spans = otlp.spans();
            for (String role : new String[] {"client", "server"}) {
                SpanView c = spans.connection(role, port);
                // What the client's own session says, at both ends.
                assertThat(c.str("tls.protocol.version")).as(role).isEqualTo(truth.get("tls.protocol").substring("TLSv".length()));
                assertThat(c.str("tls.cipher")).isEqualTo(truth.get("tls.cipher"));
                assertThat(c.bool("tls.resumed")).isFalse();
                assertThat(c.num("connscope.tls.handshakes")).isEqualTo(1);
                assertThat(c.num("connscope.http.requests")).isEqualTo(REQUESTS);
                assertThat(c.num("connscope.http.responses")).isEqualTo(REQUESTS);
                assertThat(spans.exchanges(role, port)).hasSize(REQUESTS)
                    .allSatisfy(e -> assertThat(e.num("http.response.status_code")).isEqualTo(200L));
            }
            assertThat(spans.connection("client", port).num("connscope.connection.bytes_sent"))
                .isEqualTo(spans.connection("server", port).num("connscope.connection.bytes_received"));
            assertThat(otlp.logs().stream().filter(l -> l.has("connscope.rule") && Objects.equals(l.num("server.port"), (long) port)))
                .isEmpty();
            assertThat(run.stderr).doesNotContain("were not paired with their connection");
        }
    }
}
