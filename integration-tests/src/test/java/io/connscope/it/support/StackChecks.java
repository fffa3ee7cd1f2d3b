package io.connscope.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** The checks every production-stack test makes on a client and server in one JVM. */
public final class StackChecks {

    private StackChecks() {
    }

    /**
     * What the clients sent at this port, the servers received, and (when {@code exact}) the other way
     * too; otherwise a server may have sent a last TLS alert that crossed its client's close unread.
     */
    public static void bytesMatch(Spans spans, int port, boolean exact) {
        List<SpanView> clients = spans.connections("client", port);
        List<SpanView> servers = spans.connections("server", port);
        assertThat(sum(clients, "connscope.connection.bytes_sent")).isEqualTo(sum(servers, "connscope.connection.bytes_received"))
            .isPositive();
        long serverSent = sum(servers, "connscope.connection.bytes_sent");
        long clientReceived = sum(clients, "connscope.connection.bytes_received");
        if (exact) {
            assertThat(serverSent).isEqualTo(clientReceived);
        } else {
            assertThat(serverSent).isGreaterThanOrEqualTo(clientReceived);
        }
    }

    private static long sum(List<SpanView> spans, String key) {
        return spans.stream().mapToLong(s -> s.num(key)).sum();
    }

    /** connscope's warnings about connections at this port, either end. */
    public static List<LogView> warningsAt(OtlpReceiver otlp, int port) throws Exception {
        return otlp.logs().stream().filter(l -> l.has("connscope.rule") && Objects.equals(l.num("server.port"), (long) port))
            .collect(Collectors.toList());
    }
}
