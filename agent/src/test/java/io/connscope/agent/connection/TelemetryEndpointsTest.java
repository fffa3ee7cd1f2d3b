package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryEndpointsTest {

    private static InetSocketAddress at(String name, byte[] ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(name, ip), port);
    }

    @Test
    void aConfiguredCollectorMatchesByTheNameTheConnectionUsesOrByItsAddress() throws Exception {
        TelemetryEndpoints t = TelemetryEndpoints.of(List.of("http://collector.internal:4318", "https://10.0.0.7/v1/traces"));
        assertThat(t.isCollector(at("collector.internal", new byte[] {10, 0, 0, 9}, 4318))).isTrue();
        assertThat(t.isCollector(at("COLLECTOR.internal", new byte[] {10, 0, 0, 9}, 4318))).isTrue();
        assertThat(t.isCollector(at(null, new byte[] {10, 0, 0, 7}, 443))).as("https default port, by address").isTrue();
        assertThat(t.isCollector(at("collector.internal", new byte[] {10, 0, 0, 9}, 4317))).as("another port").isFalse();
        assertThat(t.isCollector(at("api.internal", new byte[] {10, 0, 0, 9}, 4318))).as("another host").isFalse();
        assertThat(t.isCollector(null)).isFalse();
        assertThat(t.ignored()).isEqualTo(3);
    }

    @Test
    void theOtlpDefaultsOnLocalhostAreCollectorsWhateverTheLoopbackAddress() throws Exception {
        TelemetryEndpoints t = TelemetryEndpoints.of(List.of("not a url", "http://[::1]:9999"));
        assertThat(t.isCollector(at("localhost", new byte[] {127, 0, 0, 1}, 4318))).isTrue();
        assertThat(t.isCollector(at(null, new byte[] {127, 0, 0, 1}, 4317))).isTrue();
        assertThat(t.isCollector(at(null, new byte[16], 9999))).as("::0 is not ::1").isFalse();
        byte[] v6Loopback = new byte[16];
        v6Loopback[15] = 1;
        assertThat(t.isCollector(at(null, v6Loopback, 9999))).isTrue();
        assertThat(t.isCollector(at(null, new byte[] {127, 0, 0, 1}, 8080))).isFalse();
    }

    @Test
    void noneFollowsEverything() throws Exception {
        TelemetryEndpoints t = TelemetryEndpoints.none();
        assertThat(t.isCollector(at("localhost", new byte[] {127, 0, 0, 1}, 4318))).isFalse();
        assertThat(t.ignored()).isZero();
    }
}
