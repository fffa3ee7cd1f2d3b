package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Role;
import io.connscope.agent.http.Http2Session;
import io.connscope.agent.http.Http2Side;
import java.util.Locale;

/**
 * The rapid-reset pattern (CVE-2023-44487), seen by the server: a client that opened streams and
 * reset them itself within 100 ms, before any response began (a cancel of work the server has under
 * way comes later and is not counted), at least {@code resets} times and for at least
 * {@code percent} % of its streams on one connection. Each reset stream cost the server a request's
 * setup and none of the concurrency limit.
 */
public final class Http2RapidResetRule extends Http2Rule {

    public static final String ID = "http2-rapid-reset";

    private final long resets;
    private final long percent;

    public Http2RapidResetRule(Thresholds t) {
        resets = Math.max(1, t.get("resets", 100));
        percent = t.get("percent", 50);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    Warning check(ConnectionRecord r, Http2Session s) {
        Http2Side client = s.client();
        int early = client.rapidResets();
        int streams = s.streamsOpened();
        if (r.role() != Role.SERVER || early < resets || 100L * early < percent * streams) {
            return null;
        }
        double seconds = Math.max(1e-3, (r.endNanos() - r.openNanos()) / 1e9);
        return new Warning(ID, Severity.WARN, String.format(Locale.ROOT, "on HTTP/2 connection %d the client reset %d"
            + " of the %d streams it opened within 100 ms of opening them, before any response on them began (the longest"
            + " lived %.1f ms before its reset), %.0f a second over the connection's %.1f s: the rapid-reset pattern (CVE-2023-44487), which"
            + " costs this server a request's setup per stream while never counting against"
            + " SETTINGS_MAX_CONCURRENT_STREAMS.", r.id(), early, streams, client.longestBeforeResetNanos() / 1e6,
            early / seconds, seconds), "Bound the resets a connection may send and answer a flood with GOAWAY"
            + " ENHANCE_YOUR_CALM (Jetty, Netty, Tomcat and gRPC releases since October 2023 do: update),"
            + " and find the client: a client cancelling requests in bulk should stop, or open fewer.");
    }
}
