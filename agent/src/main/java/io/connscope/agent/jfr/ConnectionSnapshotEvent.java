package io.connscope.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A connection still open, as it stood at a snapshot interval (see {@link JfrSink}). */
@Name(ConnectionSnapshotEvent.NAME)
@Label("Connection Snapshot")
@Category("connscope")
@Description("A connection open longer than connscope.snapshot.interval.ms, as it stood: age, idle time, bytes and"
    + " exchanges so far.")
@StackTrace(false)
public final class ConnectionSnapshotEvent extends jdk.jfr.Event {

    public static final String NAME = "connscope.ConnectionSnapshot";

    @Label("Connection Id")
    long connectionId;

    @Label("Role")
    String role;

    @Label("Destination")
    String destination;

    @Label("Age")
    @Timespan(Timespan.NANOSECONDS)
    long age;

    @Label("Idle")
    @Timespan(Timespan.NANOSECONDS)
    long idle;

    @Label("Bytes Sent")
    @DataAmount
    long bytesSent;

    @Label("Bytes Received")
    @DataAmount
    long bytesReceived;

    @Label("HTTP Requests")
    @Description("So far; -1 on a connection without HTTP")
    long httpRequests;

    @Label("State")
    @Description("active (a request in flight), idle, websocket, or open (no HTTP)")
    String state;

    @Label("Warnings")
    @Description("Warnings raised about its exchanges so far, those exported (connscope.warnings.per.minute)")
    long warnings;

    @Label("Snapshot")
    @Description("1 for the connection's first snapshot, then 2, 3...")
    long snapshot;
}
