package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;

/** A rule checked once per finished HTTP exchange. */
public interface ExchangeRule {

    /** The stable rule id, as in {@code connscope.rule}. */
    String id();

    /** The warning this exchange deserves, or null. */
    Warning check(ConnectionRecord connection, HttpExchange exchange);
}
