package io.connscope.agent.connection;

import io.connscope.agent.http.HttpExchange;

/** Where finished connections and exchanges go for export. Must never block. */
public interface FinishedSink {

    void connection(ConnectionRecord connection);

    void exchange(ConnectionRecord connection, HttpExchange exchange);
}
