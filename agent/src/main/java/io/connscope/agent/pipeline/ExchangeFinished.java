package io.connscope.agent.pipeline;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.diagnose.Warning;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.wire.WireExchange;
import java.util.List;

/**
 * An exchange that finished (its response ended, failed or was cut), in any protocol, with the
 * connection that carried it and the warnings the exchange rules raised. Handed to every {@link EventSink}, on the
 * pipeline thread, always before its connection's {@link ConnectionEnded}.
 */
public final class ExchangeFinished {

    private final ConnectionRecord connection;
    private final WireExchange exchange;
    private final List<Warning> warnings;

    public ExchangeFinished(ConnectionRecord connection, WireExchange exchange, List<Warning> warnings) {
        this.connection = connection;
        this.exchange = exchange;
        this.warnings = List.copyOf(warnings);
    }

    public ConnectionRecord connection() {
        return connection;
    }

    public WireExchange exchange() {
        return exchange;
    }

    /** The exchange when it is HTTP's (HTTP/1.x, HTTP/2, gRPC), which sinks show in full; else null. */
    public HttpExchange http() {
        return exchange instanceof HttpExchange ? (HttpExchange) exchange : null;
    }

    /** Within the warning rate limit; the others are only counted (see WarningLog). */
    public List<Warning> warnings() {
        return warnings;
    }
}
