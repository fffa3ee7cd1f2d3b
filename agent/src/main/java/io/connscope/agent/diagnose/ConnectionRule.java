package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;

/** A rule checked once per connection, on the export thread, when the ended connection is settled. */
public interface ConnectionRule extends Rule {

    /** The warning this connection deserves, or null. */
    Warning check(ConnectionRecord connection);
}
