package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.Warning;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeSamplerTest {

    private static final String SAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String NOT_SAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    private static final List<Warning> ONE_WARNING =
        List.of(new Warning("truncated-body", Severity.WARN, "received 40 of 100 bytes", "fix the server"));

    @Test
    void warnedResentFailedAndSampledTracedExchangesAlwaysGetASpan() {
        ExchangeSampler none = new ExchangeSampler(0.0);
        assertThat(none.keep(ONE_WARNING, false, false, null)).isTrue();
        assertThat(none.keep(List.of(), false, false, SAMPLED)).isTrue();
        assertThat(none.keep(List.of(), false, false, NOT_SAMPLED)).isFalse();
        assertThat(none.keep(List.of(), false, false, null)).isFalse();
        assertThat(none.keep(List.of(), true, false, null)).as("resent").isTrue();
        assertThat(none.keep(List.of(), false, true, NOT_SAMPLED)).as("failed").isTrue();
    }

    @Test
    void theRatioSelectsAShareOfTheRest() {
        assertThat(new ExchangeSampler(1.0).keep(List.of(), false, false, null)).isTrue();
        ExchangeSampler half = new ExchangeSampler(0.5);
        int kept = 0;
        for (int i = 0; i < 10_000; i++) {
            kept += half.keep(List.of(), false, false, NOT_SAMPLED) ? 1 : 0;
        }
        // Binomial(10000, 0.5): 10 standard deviations either side.
        assertThat(kept).isBetween(4500, 5500);
    }

    @Test
    void onlyTheSampledFlagBitOfAWellFormedTraceparentCounts() {
        assertThat(ExchangeSampler.sampledTraceparent(SAMPLED.substring(0, 53) + "03")).isTrue();
        assertThat(ExchangeSampler.sampledTraceparent(SAMPLED.substring(0, 53) + "02")).isFalse();
        assertThat(ExchangeSampler.sampledTraceparent(SAMPLED.substring(0, 53) + "0z")).isFalse();
        assertThat(ExchangeSampler.sampledTraceparent("00-short-01")).isFalse();
        assertThat(ExchangeSampler.sampledTraceparent(SAMPLED.replace('-', '_'))).isFalse();
    }
}
