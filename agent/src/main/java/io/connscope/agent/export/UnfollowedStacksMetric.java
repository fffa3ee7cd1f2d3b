package io.connscope.agent.export;

import io.connscope.agent.instrument.UnfollowedStacks;
import io.opentelemetry.api.metrics.Meter;

/** The network stacks in use that connscope cannot follow, as a metric, so that missing connections are explained. */
public final class UnfollowedStacksMetric {

    private UnfollowedStacksMetric() {
    }

    public static void register(Meter meter) {
        meter.upDownCounterBuilder("connscope.stacks.unfollowed").setUnit("{class}")
            .setDescription("Network transports in use that connscope cannot follow (Netty's io_uring channels);"
                + " their connections are missing. connscope's log and report name them.")
            .buildWithCallback(m -> m.record(UnfollowedStacks.count()));
    }
}
