package io.connscope.agent.export;

import io.connscope.agent.diagnose.Warning;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decides which exchanges get a span. A span per exchange costs more than everything else connscope
 * does for it, so by default only the interesting ones get one: those with a warning, those that
 * were resent or failed (rare, and what a trace search is for), those whose request carried a
 * sampled W3C traceparent (the application's trace wants them), and a configured share of the rest.
 * Metrics and the report count every exchange whatever this decides.
 */
final class ExchangeSampler {

    private final double ratio;
    /** Export thread only. */
    private final SplittableRandom random = new SplittableRandom();

    ExchangeSampler(double ratio) {
        this.ratio = ratio;
    }

    /**
     * @param resent whether the request was sent again ({@code http.request.resend_count} above 0)
     * @param failed whether the exchange has an {@code error.type}
     */
    boolean keep(List<Warning> warnings, boolean resent, boolean failed, String traceparent) {
        if (!warnings.isEmpty() || resent || failed || sampledTraceparent(traceparent)) {
            return true;
        }
        return ratio >= 1.0 || ratio > 0.0 && random.nextDouble() < ratio;
    }

    /** A W3C traceparent ({@code 00-<trace>-<parent>-<flags>}) whose flags have the sampled bit. */
    static boolean sampledTraceparent(String traceparent) {
        if (traceparent == null || traceparent.length() < 55) {
            return false;
        }
        int flags = Character.digit(traceparent.charAt(54), 16);
        return traceparent.charAt(52) == '-' && flags >= 0 && (flags & 1) == 1;
    }
}
