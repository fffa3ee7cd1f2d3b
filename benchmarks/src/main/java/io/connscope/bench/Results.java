package io.connscope.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Everything measured in one harness run, per configuration; figures are medians over rounds. */
final class Results {

    final Map<Setup, Map<String, List<Sample>>> workloads = new EnumMap<>(Setup.class);
    final Map<Setup, List<Double>> peakRssMib = new EnumMap<>(Setup.class);
    final Map<Setup, List<Double>> startupMillis = new EnumMap<>(Setup.class);
    final Map<Setup, List<Double>> startupRssMib = new EnumMap<>(Setup.class);
    /** connscope only: start-up with an empty instrumentation cache, as on a host's first start. */
    final Map<Setup, List<Double>> coldStartupMillis = new EnumMap<>(Setup.class);
    final Map<Setup, List<Double>> idleBytesPerConnection = new EnumMap<>(Setup.class);
    final Map<Setup, List<Double>> idlePeakRssMib = new EnumMap<>(Setup.class);
    /** JMH hot path: benchmark → [ns/op samples, B/op samples]. */
    final Map<Setup, Map<String, List<double[]>>> hotPath = new EnumMap<>(Setup.class);
    long otlpRequests;
    long otlpBytes;

    void add(Setup s, Sample sample) {
        workloads.computeIfAbsent(s, k -> new LinkedHashMap<>())
            .computeIfAbsent(sample.workload, k -> new ArrayList<>()).add(sample);
    }

    static void add(Map<Setup, List<Double>> map, Setup s, double value) {
        map.computeIfAbsent(s, k -> new ArrayList<>()).add(value);
    }

    void addHotPath(Setup s, String benchmark, double nanosPerOp, double bytesPerOp) {
        hotPath.computeIfAbsent(s, k -> new LinkedHashMap<>())
            .computeIfAbsent(benchmark, k -> new ArrayList<>()).add(new double[] {nanosPerOp, bytesPerOp});
    }

    /** The median of a workload figure for a configuration, or NaN when it was not measured. */
    double median(Setup s, String workload, ToDoubleFunction<Sample> figure) {
        List<Sample> samples = workloads.getOrDefault(s, Map.of()).get(workload);
        if (samples == null || samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> values = new ArrayList<>();
        for (Sample x : samples) {
            values.add(figure.applyAsDouble(x));
        }
        return median(values);
    }

    /**
     * Throughput ratios to no agent paired by round (the configurations of a round run back to back,
     * so slow drift of the machine cancels out): the median, lowest and highest.
     */
    double[] pairedRatios(Setup s, String workload, ToDoubleFunction<Sample> figure) {
        List<Sample> mine = workloads.getOrDefault(s, Map.of()).get(workload);
        List<Sample> base = workloads.getOrDefault(Setup.NONE, Map.of()).get(workload);
        if (mine == null || base == null || mine.size() != base.size()) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) {
            ratios.add(figure.applyAsDouble(mine.get(i)) / figure.applyAsDouble(base.get(i)));
        }
        return new double[] {median(ratios), Collections.min(ratios), Collections.max(ratios)};
    }

    /**
     * What a configuration adds to no agent, per request, paired by round as the ratios are: the median
     * of the rounds' differences.
     */
    double pairedAdded(Setup s, String workload, ToDoubleFunction<Sample> figure) {
        List<Sample> mine = workloads.getOrDefault(s, Map.of()).get(workload);
        List<Sample> base = workloads.getOrDefault(Setup.NONE, Map.of()).get(workload);
        if (mine == null || base == null || mine.size() != base.size()) {
            return Double.NaN;
        }
        List<Double> added = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) {
            added.add(figure.applyAsDouble(mine.get(i)) - figure.applyAsDouble(base.get(i)));
        }
        return median(added);
    }

    static double median(Map<Setup, List<Double>> map, Setup s) {
        List<Double> values = map.get(s);
        return values == null || values.isEmpty() ? Double.NaN : median(values);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
