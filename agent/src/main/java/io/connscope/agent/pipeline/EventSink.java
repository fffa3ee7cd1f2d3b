package io.connscope.agent.pipeline;

import io.connscope.agent.connection.NameLookup;
import java.util.List;

/**
 * Where diagnosed events go: OpenTelemetry, the report's waterfall, and whatever comes next. Every
 * method runs on the pipeline thread, one call at a time, so a sink needs no locking of its own for
 * what only it touches. A sink that throws loses that one event; the other sinks still get it.
 * Adding a sink is one class: implement this, and register it where {@code AgentInstaller} builds
 * the pipeline.
 */
public interface EventSink {

    /**
     * Prepares the sink, on the pipeline thread, before the first event: threads it starts join the
     * agent's thread group, and the host's start-up does not wait for it. Events that arrive while a
     * start is slow wait in the queue.
     */
    default void start() {
    }

    void exchangeFinished(ExchangeFinished event);

    void connectionEnded(ConnectionEnded event);

    /** A look-up the JDK's resolver answered (its cache missed), in the order look-ups were made. */
    default void nameLookedUp(NameLookup lookup) {
    }

    /**
     * At each snapshot interval, the connections open longer than one interval, as they stand (see
     * {@link SnapshotSchedule}); never empty. Sinks that only show ended connections ignore it.
     */
    default void connectionsOpen(List<ConnectionSnapshot> snapshots) {
    }

    /**
     * At exit, after the last event: sends what the sink holds, returning by {@code deadlineNanos}
     * (System.nanoTime()), {@code timeoutMillis} from now, at the latest. {@code budget} says in
     * messages where that time comes from.
     */
    default void stop(long deadlineNanos, long timeoutMillis, String budget) {
    }
}
