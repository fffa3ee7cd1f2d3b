package io.connscope.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A warning a rule raised, with its evidence and its fix (see {@link JfrSink}). */
@Name(WarningEvent.NAME)
@Label("Warning")
@Category("connscope")
@Description("A problem a connscope rule found on a connection or an exchange, with the numbers that prove it and"
    + " the fix.")
@StackTrace(false)
public final class WarningEvent extends jdk.jfr.Event {

    public static final String NAME = "connscope.Warning";

    @Label("Rule")
    String rule;

    @Label("Severity")
    @Description("WARN or INFO")
    String severity;

    @Label("Connection Id")
    long connectionId;

    @Label("Destination")
    String destination;

    @Label("Evidence")
    String evidence;

    @Label("Fix")
    String fix;
}
