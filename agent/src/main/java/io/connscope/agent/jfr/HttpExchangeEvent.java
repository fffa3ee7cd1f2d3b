package io.connscope.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/** An HTTP exchange connscope read on the wire (see {@link JfrSink}). */
@Name(HttpExchangeEvent.NAME)
@Label("HTTP Exchange")
@Category("connscope")
@Description("An HTTP request and its response as connscope read them on the wire, on either side."
    + " Committed by connscope's own thread: the times are fields, not the event's own.")
@StackTrace(false)
public final class HttpExchangeEvent extends jdk.jfr.Event {

    public static final String NAME = "connscope.HttpExchange";

    @Label("Connection Id")
    long connectionId;

    @Label("Role")
    String role;

    @Label("Destination")
    String destination;

    @Label("Request Index")
    @Description("1 for a connection's first request; more means the connection was reused")
    int requestIndex;

    @Label("Method")
    String method;

    @Label("Path")
    @Description("the request target's path, without its query")
    String path;

    @Label("Protocol Version")
    String protocolVersion;

    @Label("Status")
    @Description("the response's status code, 0 when no response was seen")
    int status;

    @Label("Started")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long started;

    @Label("Exchange Duration")
    @Description("from the request's first byte to the response's last, as seen on the wire (the event's own"
        + " JFR duration is 0: it is committed later, by connscope's thread)")
    @Timespan(Timespan.NANOSECONDS)
    long exchangeDuration;

    @Label("Response Body")
    @DataAmount
    long responseBodyBytes;

    @Label("Resend Count")
    @Description("1 or more: this request resent an earlier one that failed")
    int resendCount;

    @Label("Failure")
    @Description("how the exchange failed (connection_reset, eof, truncated, ...), or empty")
    String failure;

    @Label("Warnings")
    String warnings;
}
