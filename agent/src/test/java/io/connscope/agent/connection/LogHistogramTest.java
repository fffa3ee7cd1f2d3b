package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LogHistogramTest {

    @Property
    void quantilesAreWithinOneBucketAboveTheExactValue(
        @ForAll @Size(min = 1, max = 200) List<@LongRange(min = 1_000, max = 3_600_000_000_000L) Long> samples,
        @ForAll @DoubleRange(min = 0.01, max = 1.0) double q) {
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

    @Property
    void bucketsGrowWithTheValue(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long a,
                                 @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long b) {
        if (a <= b) {
            assertThat(LogHistogram.bucket(a)).isLessThanOrEqualTo(LogHistogram.bucket(b));
        }
    }
}
