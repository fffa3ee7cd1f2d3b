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

    /**
     * HTTP/1.1 through a client's pool, over Netty's native transport: at each end, the connections the
     * server counted, and between them every request, one POST among them, each answered 200.
     */
    public static void pooledExchanges(Spans spans, int port, int connections, int requests) {
        for (String role : new String[] {"client", "server"}) {
            List<SpanView> conns = spans.connections(role, port);
            assertThat(conns).as(role).hasSize(connections)
                .allSatisfy(c -> assertThat(c.str("connscope.connection.api")).isEqualTo("netty-native"))
                .allSatisfy(c -> assertThat(c.str("network.protocol.version")).isEqualTo("1.1"));
            assertThat(sum(conns, "connscope.http.requests")).isEqualTo(requests);
            assertThat(sum(conns, "connscope.http.responses")).isEqualTo(requests);
            List<SpanView> exchanges = spans.exchanges(role, port);
            assertThat(exchanges).hasSize(requests);
            assertThat(exchanges).extracting(e -> e.str("http.request.method")).filteredOn("POST"::equals).hasSize(1);
            assertThat(exchanges).extracting(e -> e.num("http.response.status_code")).containsOnly(200L);
        }
        bytesMatch(spans, port, true);
    }
}
