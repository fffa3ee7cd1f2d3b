package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.Http2Session;
import io.connscope.agent.http.HttpConnection;

/** A connection rule about what an HTTP/2 connection said; connections without HTTP/2 raise nothing. */
abstract class Http2Rule implements ConnectionRule {

    @Override
    public final Warning check(ConnectionRecord r) {
        HttpConnection http = r.http();
        Http2Session session = http == null ? null : http.http2();
        return session == null ? null : check(r, session);
    }

    abstract Warning check(ConnectionRecord r, Http2Session session);
}
