package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;
import java.util.List;

/** A finished HTTP exchange with the connection that carried it and the warnings it raised. */
public final class ExchangeRecord {

    public final ConnectionRecord connection;
    public final HttpExchange exchange;
    public final List<Warning> warnings;

    public ExchangeRecord(ConnectionRecord connection, HttpExchange exchange, List<Warning> warnings) {
        this.connection = connection;
        this.exchange = exchange;
        this.warnings = warnings;
    }
}
