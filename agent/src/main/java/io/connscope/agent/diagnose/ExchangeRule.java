package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;

/** A rule checked once per finished HTTP exchange, on the thread that finished it. */
public interface ExchangeRule extends Rule {

    /** The warning this exchange deserves, or null. */
    Warning check(ConnectionRecord connection, HttpExchange exchange);
}
