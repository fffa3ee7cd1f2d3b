package io.connscope.agent.wire;

import java.util.Map;

/**
 * One request and its answer on a connection, in any protocol: what every sink can show of an
 * exchange without knowing its protocol. HTTP exchanges carry much more, which the sinks read
 * through their own type; a protocol added behind {@link WireProtocol} is shown through this alone.
 * Times are System.nanoTime() values, 0 when that point was not seen.
 */
public interface WireExchange {

    /** The wire protocol, as OpenTelemetry's {@code network.protocol.name}: "http", "resp". */
    String protocol();

    /** What was asked, in few distinct values: the HTTP method, the Redis command; null when unknown. */
    String operation();

    /** The n-th request on its connection, from 1. */
    int index();

    long requestStartNanos();

    long requestEndNanos();

    long responseStartNanos();

    long responseEndNanos();

    /** Why the exchange did not complete, in snake_case (an {@code error.type}), or null. */
    String failure();

    /**
     * The answer was an error of the protocol's own (a Redis error reply's prefix), as an
     * {@code error.type}, or null.
     */
    String errorType();

    /**
     * The protocol's own facts about the exchange, named after the OpenTelemetry semantic conventions
     * where one exists, else {@code connscope.*}: String, Long or Boolean values. Read on the
     * pipeline thread, once the exchange has finished.
     */
    Map<String, Object> attributes();
}
