package io.connscope.agent.export;

import io.connscope.agent.wire.AnalysisMemory;
import io.opentelemetry.api.metrics.Meter;

/** The analysis memory budget as metrics: what it holds now, and the connections it refused. */
public final class AnalysisMemoryMetrics {

    private AnalysisMemoryMetrics() {
    }

    public static void register(Meter meter, AnalysisMemory memory) {
        meter.upDownCounterBuilder("connscope.analysis.memory.used").setUnit("By")
            .setDescription("Bytes the wire analysis of all connections holds now (heads and header blocks in flight,"
                + " HPACK tables), against the budget connscope.max.analysis.memory.")
            .buildWithCallback(m -> m.record(memory.used()));
        meter.counterBuilder("connscope.analysis.refused").setUnit("{connection}")
            .setDescription("Connections whose HTTP analysis stopped because the analysis memory budget was spent;"
                + " their bytes, timings and closes are still followed.")
            .buildWithCallback(m -> m.record(memory.refusedConnections()));
    }
}
