package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.http.HttpExchange;
import java.util.List;

/**
 * An HTTP exchange that finished (its response ended, failed or was cut), with the connection that
 * carried it and the warnings the exchange rules raised. Handed to every {@link EventSink}, on the
 * pipeline thread, always before its connection's {@link ConnectionEnded}.
 */
public final class ExchangeFinished {

    private final ConnectionRecord connection;
    private final HttpExchange exchange;
    private final List<Warning> warnings;

    public ExchangeFinished(ConnectionRecord connection, HttpExchange exchange, List<Warning> warnings) {
        this.connection = connection;
        this.exchange = exchange;
        this.warnings = List.copyOf(warnings);
    }

    public ConnectionRecord connection() {
        return connection;
    }

    public HttpExchange exchange() {
        return exchange;
    }

    /** Within the warning rate limit; the others are only counted (see WarningLog). */
    public List<Warning> warnings() {
        return warnings;
    }
}
