package io.connscope.agent.connection;

import static io.connscope.agent.testing.Generators.listOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogHistogramTest {

    @Test
    void quantilesAreWithinOneBucketAboveTheExactValue() {
        qt().forAll(listOf(longs().between(1_000, 3_600_000_000_000L), 1, 200), doubles().between(0.01, 1.0))
            .checkAssert(LogHistogramTest::quantilesAreWithinOneBucketAboveTheExactValue);
    }

    private static void quantilesAreWithinOneBucketAboveTheExactValue(List<Long> samples, double q) {
        LogHistogram h = new LogHistogram();
        samples.forEach(h::record);
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        long exact = sorted.get((int) Math.max(0, Math.ceil(q * sorted.size()) - 1));
        long reported = h.quantileNanos(q);
        assertThat(reported).isGreaterThanOrEqualTo(exact);
        assertThat((double) reported).isLessThanOrEqualTo(exact * 1.045 + 1);
        assertThat(h.count()).isEqualTo(samples.size());
    }

    @Test
    void emptyHistogramHasNoQuantiles() {
        assertThat(new LogHistogram().quantileNanos(0.5)).isEqualTo(-1);
    }

    @Test
    void bucketsGrowWithTheValue() {
        qt().forAll(longs().between(0, Long.MAX_VALUE / 2), longs().between(0, Long.MAX_VALUE / 2)).checkAssert((a, b) -> {
            if (a <= b) {
                assertThat(LogHistogram.bucket(a)).isLessThanOrEqualTo(LogHistogram.bucket(b));
            }
        });
    }
}
