package io.connscope.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/**
 * An exchange of a protocol other than HTTP (a Redis command and its reply, ...), as every protocol
 * tells it (see {@link JfrSink}). HTTP exchanges are {@link HttpExchangeEvent}s.
 */
@Name(ExchangeEvent.NAME)
@Label("Exchange")
@Category("connscope")
@Description("A request and its answer in a protocol other than HTTP (RESP: a Redis command and its reply), as"
    + " connscope read them on the wire. Committed by connscope's own thread: the times are fields.")
@StackTrace(false)
public final class ExchangeEvent extends jdk.jfr.Event {

    public static final String NAME = "connscope.Exchange";

    @Label("Connection Id")
    long connectionId;

    @Label("Role")
    String role;

    @Label("Destination")
    String destination;

    @Label("Protocol")
    String protocol;

    @Label("Request Index")
    @Description("1 for a connection's first request; more means the connection was reused")
    int requestIndex;

    @Label("Operation")
    @Description("what was asked: the Redis command")
    String operation;

    @Label("Started")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long started;

    @Label("Exchange Duration")
    @Description("from the request's first byte to the answer's last, as seen on the wire")
    @Timespan(Timespan.NANOSECONDS)
    long exchangeDuration;

    @Label("Error")
    @Description("how the exchange failed (no_reply, ...), or the protocol's error (a Redis error's prefix), or empty")
    String error;

    @Label("Attributes")
    @Description("the protocol's own facts, as name=value pairs named after the OpenTelemetry conventions")
    String attributes;

    @Label("Warnings")
    String warnings;
}
