package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.diagnose.Warning;
import java.util.List;

/**
 * A connection that ended and was settled: no hook will touch its record again, its last bytes are
 * counted and its HTTP analysis is complete. With the warnings the connection rules raised. Handed
 * to every {@link EventSink}, on the pipeline thread, after all of its {@link ExchangeFinished}.
 */
public final class ConnectionEnded {

    private final ConnectionRecord connection;
    private final List<Warning> warnings;

    public ConnectionEnded(ConnectionRecord connection, List<Warning> warnings) {
        this.connection = connection;
        this.warnings = List.copyOf(warnings);
    }

    public ConnectionRecord connection() {
        return connection;
    }

    /** Within the warning rate limit; the others are only counted (see WarningLog). */
    public List<Warning> warnings() {
        return warnings;
    }
}
