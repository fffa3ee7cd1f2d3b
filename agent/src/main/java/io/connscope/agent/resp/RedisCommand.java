package io.connscope.agent.resp;

import io.connscope.agent.wire.WireExchange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The n-th command on a RESP connection and the n-th reply, with the times connscope saw them
 * (System.nanoTime). As with HTTP, the two halves are filled by the threads feeding each direction,
 * in either order, and the second half to finish completes the exchange.
 */
final class RedisCommand implements WireExchange {

    /** Its place on the connection, from 0. */
    final long seq;
    private final AtomicInteger halvesDone = new AtomicInteger();
    // command half
    volatile String name;
    /** The database the server ran it in (its index), or null when not known. */
    volatile String database;
    /** For a SELECT, the database it selects ("" when that is no index); else null. */
    volatile String selects;
    volatile long requestStartNanos;
    volatile long requestEndNanos;
    volatile long requestBytes;
    /** Commands sent before this one still awaiting their replies when it was sent. */
    volatile int awaitingBefore;
    // reply half
    volatile long responseStartNanos;
    volatile long responseEndNanos;
    volatile long replyBytes;
    volatile String errorPrefix;
    volatile String failure;

    RedisCommand(long seq) {
        this.seq = seq;
    }

    /** Marks one half done; true for the second, which completes the exchange. */
    boolean halfDone() {
        return halvesDone.incrementAndGet() == 2;
    }

    @Override
    public String protocol() {
        return RespProtocol.NAME;
    }

    @Override
    public String operation() {
        return name;
    }

    @Override
    public int index() {
        return (int) Math.min(seq + 1, Integer.MAX_VALUE);
    }

    @Override
    public long requestStartNanos() {
        return requestStartNanos;
    }

    @Override
    public long requestEndNanos() {
        return requestEndNanos;
    }

    @Override
    public long responseStartNanos() {
        return responseStartNanos;
    }

    @Override
    public long responseEndNanos() {
        return responseEndNanos;
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public String errorType() {
        return errorPrefix;
    }

    /** Named as OpenTelemetry's database conventions name a Redis call. */
    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("db.system.name", "redis");
        if (name != null) {
            a.put("db.operation.name", name);
        }
        if (database != null) {
            a.put("db.namespace", database);
        }
        if (errorPrefix != null) {
            a.put("db.response.status_code", errorPrefix);
        }
        a.put("connscope.resp.request.bytes", requestBytes);
        if (responseEndNanos != 0L) {
            a.put("connscope.resp.reply.bytes", replyBytes);
        }
        a.put("connscope.resp.awaiting_before", (long) awaitingBefore);
        return a;
    }
}
