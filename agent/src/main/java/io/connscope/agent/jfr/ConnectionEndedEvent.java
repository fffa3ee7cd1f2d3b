package io.connscope.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/** A connection connscope followed, as it ended (see {@link JfrSink}). */
@Name(ConnectionEndedEvent.NAME)
@Label("Connection Ended")
@Category("connscope")
@Description("A TCP connection connscope followed, as it ended: its destination, bytes, phase timings and how it closed."
    + " Committed by connscope's own thread once the connection settled: the times are fields, not the event's own.")
@StackTrace(false)
public final class ConnectionEndedEvent extends jdk.jfr.Event {

    public static final String NAME = "connscope.ConnectionEnded";

    @Label("Connection Id")
    @Description("connscope's id of the connection: its exchanges and warnings carry the same")
    long connectionId;

    @Label("Role")
    @Description("client or server")
    String role;

    @Label("API")
    @Description("socket or channel: which JDK API carried the connection")
    String api;

    @Label("Destination")
    @Description("host:port for a client, :port (the listening port) for a server")
    String destination;

    @Label("Peer Address")
    String peerAddress;

    @Label("Peer Port")
    @Description("the port jdk.SocketRead and jdk.SocketWrite call 'port' for this connection")
    int peerPort;

    @Label("Local Port")
    int localPort;

    @Label("Opened")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long opened;

    @Label("Ended")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    long ended;

    @Label("Lifetime")
    @Timespan(Timespan.NANOSECONDS)
    long lifetime;

    @Label("Connect Duration")
    @Description("0 for an accepted connection, and for one already open when connscope was attached")
    @Timespan(Timespan.NANOSECONDS)
    long connectDuration;

    @Label("TLS Handshake Duration")
    @Description("the first handshake's, 0 without TLS")
    @Timespan(Timespan.NANOSECONDS)
    long tlsHandshakeDuration;

    @Label("TLS Protocol")
    String tlsProtocol;

    @Label("Bytes Sent")
    @DataAmount
    long bytesSent;

    @Label("Bytes Received")
    @DataAmount
    long bytesReceived;

    @Label("Close Classification")
    @Description("graceful, peer-first, local-close, abortive, reset, connect-failed, leaked, open-at-exit, ...")
    String closeClassification;

    @Label("Closed First By")
    String closeInitiator;

    @Label("Event Sequence")
    @Description("the order of the connection's lifecycle events, as connscope.close.sequence")
    String sequence;

    @Label("HTTP Requests")
    int httpRequests;

    @Label("Warnings")
    @Description("the rules this connection raised, comma-separated; each has a connscope.Warning event")
    String warnings;
}
