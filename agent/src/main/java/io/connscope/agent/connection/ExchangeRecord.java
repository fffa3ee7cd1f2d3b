package io.connscope.agent.connection;

import io.connscope.agent.http.HttpExchange;

/** A finished HTTP exchange with the connection that carried it. */
public final class ExchangeRecord {

    public final ConnectionRecord connection;
    public final HttpExchange exchange;

    public ExchangeRecord(ConnectionRecord connection, HttpExchange exchange) {
        this.connection = connection;
        this.exchange = exchange;
    }
}
