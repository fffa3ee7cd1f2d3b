package io.connscope.agent.connection;

import io.connscope.agent.wire.WireExchange;

/** Where finished connections and exchanges (of any protocol) go for diagnosis and the sinks. Must never block. */
public interface FinishedSink {

    void connection(ConnectionRecord connection);

    void exchange(ConnectionRecord connection, WireExchange exchange);

    /** A look-up the resolver answered, for export; may be dropped (and counted) when the queue is full. */
    default void lookup(NameLookup lookup) {
    }
}
