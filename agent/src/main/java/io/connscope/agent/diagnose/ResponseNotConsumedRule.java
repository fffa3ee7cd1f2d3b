package io.connscope.agent.diagnose;

import io.connscope.agent.connection.CloseClassification;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.PoolWaits;
import io.connscope.agent.connection.RecentConnects;
import io.connscope.agent.http.HttpExchange;
import io.connscope.bridge.PoolBridge;

/**
 * A response whose body the client application stopped reading, after which it let go of the
 * connection: closed it with the rest unread (the stack resets it), dropped it to the garbage
 * collector, or left it unused until the JVM exited with the rest waiting. Such a connection is never
 * reused: the client opens new ones, or its pool, which still counts it as leased, makes later requests
 * wait. The server did not cut the body: no end of stream or reset came first (that is truncated-body).
 */
public final class ResponseNotConsumedRule implements ExchangeRule {

    public static final String ID = "response-not-consumed";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Warning check(ConnectionRecord r, HttpExchange e) {
        if (!HttpExchange.LEFT_UNREAD.equals(e.failure())) {
            return null;
        }
        long unused = r.endNanos() - r.lastActivityNanos();
        String evidence = "the response to " + Describe.request(e) + " on connection " + r.id() + " (status " + e.status()
            + ") was not read to its end: " + read(e) + ". " + ending(r, unused) + " " + meanwhile(r) + Describe.openedAt(r)
            + ".";
        return new Warning(ID, Severity.WARN, evidence, "Read every response body to its end (Apache HttpClient:"
            + " EntityUtils.consume, or a response handler, which does), or close it when done with it (HttpURLConnection:"
            + " its InputStream; OkHttp: response.close()): a close drains a small remainder and keeps the connection, and"
            + " discards it when much is left. A response never closed holds its connection: HttpURLConnection opens a"
            + " new one for the next request, Apache HttpClient's pool starves (later requests wait up to"
            + " ConnectionRequestTimeout), OkHttp leaks it.");
    }

    private static String read(HttpExchange e) {
        if (e.responseDeclaredBytes() >= 0) {
            return e.responseBodyBytes() + " of " + e.responseDeclaredBytes() + " body bytes read";
        }
        return e.responseBodyBytes() + " bytes of a " + (e.closeDelimited() ? "body delimited by the connection's close"
            : "chunked body") + " read, and not its end";
    }

    /** How the connection was let go of, from its last I/O. */
    private static String ending(ConnectionRecord r, long unused) {
        CloseClassification how = r.classification();
        if (how == CloseClassification.LEAKED) {
            return "Then the connection was dropped, never closed: its socket was found garbage-collected "
                + Describe.millis(unused) + " after its last I/O.";
        }
        if (how == CloseClassification.OPEN_AT_EXIT) {
            return "The connection then sat unused for " + Describe.millis(unused) + ", until the JVM exited or connscope"
                + " detached, with " + r.unreadAtEnd() + " byte(s) waiting unread.";
        }
        // Counted on the TCP socket (a JDK SSLSocket reads its input away as it closes, so it never comes here; one
        // layered over a plain socket counts the ciphertext waiting): the kernel resets a socket closed with input left.
        return "Then the application closed the connection " + Describe.millis(unused) + " after its last I/O, with "
            + r.unreadAtEnd() + " byte(s) still unread, so the stack reset it.";
    }

    /**
     * The consequence seen at its destination while this connection sat unused: new connections opened,
     * and requests that waited for a connection from the client library's pool.
     */
    private static String meanwhile(ConnectionRecord r) {
        String key = r.destination().key;
        long from = r.lastActivityNanos();
        RecentConnects connects = r.destination().stats.recentConnects;
        long opened = connects.between(from, r.endNanos());
        String said;
        if (!connects.keptSince(from) && opened == 0) {
            said = "It was never used again; how many new connections to " + key + " opened meanwhile is not known (more"
                + " opened since than the " + RecentConnects.SIZE + " connscope keeps the times of)";
        } else if (!connects.keptSince(from)) {
            said = "It was never used again, while at least " + opened + " new connection(s) to " + key + " opened"
                + " (connscope keeps the times of the latest " + RecentConnects.SIZE + " only)";
        } else if (opened == 0) {
            said = "No request used it again, and no new connection to " + key + " opened meanwhile";
        } else {
            said = "It was never used again, while " + opened + " new connection(s) to " + key + " opened";
        }
        PoolWaits.Summary leases = r.destination().stats.poolWaits.between(from, r.endNanos());
        if (leases.leases == 0) {
            return leases.more ? said + "; slow leases from a pool meanwhile, if any, are not known (more came since than"
                + " connscope keeps)" : said;
        }
        // A fact at this destination, not tied to this connection's own pool: an application may have several.
        return said + "; meanwhile " + (leases.more ? "at least " : "") + leases.leases + " lease(s) of a connection to "
            + key + " from an Apache HttpClient pool took " + Describe.millis(PoolBridge.MIN_WAIT_NANOS) + " or more, " + Describe.millis(leases.totalNanos) + " in all"
            + (leases.timedOut == 0 ? "" : ", " + leases.timedOut + " of them ending in the pool's timeout"
            + " (ConnectionRequestTimeoutException)");
    }
}
