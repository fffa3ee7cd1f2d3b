package io.connscope.agent.diagnose;

import io.connscope.agent.http.AnalysisMemory;
import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionEvent;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.H2Wire;
import io.connscope.agent.http.HttpConnection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The HTTP/2 rules on connections whose bytes went through the real frame analysis, as either side saw them. */
class Http2RulesTest {

    /** :method GET, :scheme http, :path / from the static table. */
    private static final byte[] GET = {(byte) 0x82, (byte) 0x86, (byte) 0x84};
    /** :status 200. */
    private static final byte[] OK = {(byte) 0x88};

    private final Destinations destinations = new Destinations(10);
    private final Diagnosis diagnosis = new Diagnosis(new RuleCatalog(Map.of()), new WarningLog(100, 1000));

    /** A connection whose server allows {@code limit} streams (-1: says nothing) and whose client opens {@code atOnce}. */
    private ConnectionRecord connection(Role role, int limit, int atOnce, int goawayCode) {
        ConnectionRecord r = new ConnectionRecord(1, role, "channel", destinations.of(role, "api", 443), 0L);
        r.events.add(role == Role.CLIENT ? ConnectionEvent.CONNECT : ConnectionEvent.ACCEPT);
        r.http = new HttpConnection(e -> { }, AnalysisMemory.unlimited().lease());
        feed(r, true, H2Wire.PREFACE);
        feed(r, true, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        feed(r, false, H2Wire.frame(H2Wire.SETTINGS, 0, 0,
            limit < 0 ? new byte[0] : H2Wire.setting(H2Wire.MAX_CONCURRENT_STREAMS, limit)));
        for (int i = 0; i < atOnce; i++) {
            feed(r, true, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 2 * i + 1, GET));
        }
        for (int i = 0; i < atOnce; i++) {
            feed(r, false, H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 2 * i + 1, OK));
        }
        if (goawayCode >= 0) {
            feed(r, false, H2Wire.frame(H2Wire.GOAWAY, 0, 0, H2Wire.concat(H2Wire.int32(2 * atOnce - 1),
                H2Wire.int32(goawayCode))));
        }
        return r;
    }

    private static void feed(ConnectionRecord r, boolean fromClient, byte[] b) {
        r.http.feed(fromClient, b, 0, b.length);
    }

    private List<Warning> check(ConnectionRecord r) {
        r.events.add(ConnectionEvent.CLOSE);
        r.finish(1_000_000L);
        return diagnosis.check(r);
    }

    private static List<String> rules(List<Warning> warnings) {
        return warnings.stream().map(w -> w.rule).collect(Collectors.toList());
    }

    @Test
    void reachingTheServersStreamLimitIsRaisedOnBothSides() {
        for (Role role : Role.values()) {
            List<Warning> raised = check(connection(role, 2, 2, -1));
            assertThat(rules(raised)).as("%s", role).containsExactly(Http2StreamLimitRule.ID);
            assertThat(raised.get(0).evidence).contains("had 2 streams open at once")
                .contains("SETTINGS_MAX_CONCURRENT_STREAMS=2").contains("over 2 streams in all");
        }
    }

    @Test
    void stayingBelowTheLimitOrNoLimitRaisesNothing() {
        assertThat(check(connection(Role.CLIENT, 3, 2, -1))).isEmpty();
        assertThat(check(connection(Role.CLIENT, -1, 5, -1))).isEmpty();
        assertThat(check(connection(Role.CLIENT, 100, 1, 0))).as("a graceful GOAWAY").isEmpty();
    }

    @Test
    void aGoawayWithAnErrorIsRaisedWithAdviceForItsCode() {
        List<Warning> raised = check(connection(Role.CLIENT, 100, 2, 11));
        assertThat(rules(raised)).containsExactly(Http2GoawayErrorRule.ID);
        assertThat(raised.get(0).evidence).isEqualTo("the server ended HTTP/2 connection 1 with GOAWAY ENHANCE_YOUR_CALM"
            + " (11), last processed stream 3, after 2 streams; streams above it were not processed.");
        assertThat(raised.get(0).advice).contains("rapid-reset");
        assertThat(check(connection(Role.SERVER, 100, 1, 1)).get(0).advice).contains("broke the protocol");
    }
}
