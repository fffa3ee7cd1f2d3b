package io.connscope.agent.resp;

import io.connscope.agent.wire.WireAnalyser;
import io.connscope.agent.wire.WireExchange;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The RESP analysis of one connection to (or from) a Redis server: commands and replies, paired in
 * order (RESP answers every command in the order sent, pipelined or not), each pair one
 * {@link RedisCommand}. Out-of-band values (RESP3 pushes and attributes) answer nothing and are
 * skipped. After a SUBSCRIBE or MONITOR, what the server sends are messages rather than replies, so
 * the analysis stops there, as it does past {@link #MAX_AWAITING} commands awaiting replies.
 */
final class RespConnection implements WireAnalyser {

    /** Commands sent and not yet answered that the analysis follows; a deeper pipeline stops it. */
    static final int MAX_AWAITING = 1024;
    static final String SUBSCRIBED = "subscribed: what the server sends next are messages, not replies";
    static final String TOO_DEEP = "more than " + MAX_AWAITING + " commands awaiting replies";
    static final String INLINE = "a command that is not an array (inline commands are not followed)";
    static final String ABANDONED = "replaced by a new analysis";
    /** Commands after which the server's values are not replies to later commands. */
    private static final Set<String> MESSAGE_MODES = Set.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "MONITOR");
    /** Commands named with their subcommand, as Redis names them in its own command statistics. */
    private static final Set<String> CONTAINERS = Set.of("ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG",
        "FUNCTION", "LATENCY", "MEMORY", "MODULE", "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO");

    private final Consumer<WireExchange> finished;
    /** The commands in flight, each at its sequence number modulo the capacity. */
    private final AtomicReferenceArray<RedisCommand> awaiting = new AtomicReferenceArray<>(MAX_AWAITING);
    private final RespReader commands = new RespReader(new Commands());
    private final RespReader replies = new RespReader(new Replies());
    /** Written by the thread feeding commands only. */
    private int commandsStarted;
    private volatile int commandsEnded;
    /** Written by the thread feeding replies only. */
    private int repliesStarted;
    private volatile int repliesEnded;
    private RedisCommand sending;
    private RedisCommand answering;
    /** The reply being read is out of band (a push or an attribute): it answers no command. */
    private boolean outOfBand;
    /** The database the connection uses: 0 until a SELECT succeeds. */
    private volatile String database = "0";
    private volatile String stopped;

    RespConnection(Consumer<WireExchange> finished) {
        this.finished = finished;
    }

    @Override
    public void feed(boolean towardServer, Object data, int from, int len) {
        if (stopped != null) {
            return;
        }
        RespReader reader = towardServer ? commands : replies;
        if (!reader.feed(data, from, len)) {
            stop(reader.violation());
        }
    }

    @Override
    public boolean done() {
        return stopped != null;
    }

    @Override
    public void stop(String reason) {
        if (stopped == null) {
            stopped = reason;
        }
    }

    /** Why the analysis stopped, or null while it goes on. */
    String stopped() {
        return stopped;
    }

    /** Commands still awaiting replies end without them, unless the analysis had stopped following them. */
    @Override
    public void end(long endNanos) {
        if (stopped != null) {
            return;
        }
        stopped = "connection ended";
        for (int seq = repliesEnded; seq < commandsEnded; seq++) {
            RedisCommand c = awaiting.get(seq % MAX_AWAITING);
            if (c != null && c.index() == seq + 1 && c.responseEndNanos == 0L) {
                c.failure = c.responseStartNanos == 0L ? "no_reply" : "reply_cut";
                complete(seq, c);
            }
        }
    }

    @Override
    public void abandon() {
        stopped = ABANDONED;
    }

    /** The command with this sequence number, made by whichever direction reaches it first; null when there is no room. */
    private RedisCommand command(int seq) {
        RedisCommand c = awaiting.get(seq % MAX_AWAITING);
        if (c != null && c.index() == seq + 1) {
            return c;
        }
        return c == null ? newCommand(seq) : overflow();
    }

    private RedisCommand newCommand(int seq) {
        RedisCommand made = new RedisCommand(seq + 1);
        if (awaiting.compareAndSet(seq % MAX_AWAITING, null, made)) {
            return made;
        }
        RedisCommand other = awaiting.get(seq % MAX_AWAITING);
        return other != null && other.index() == seq + 1 ? other : overflow();
    }

    private RedisCommand overflow() {
        stop(TOO_DEEP);
        return null;
    }

    private void complete(int seq, RedisCommand c) {
        if (c.halfDone()) {
            awaiting.compareAndSet(seq % MAX_AWAITING, c, null);
            finished.accept(c);
        }
    }

    /** The command's name as Redis's own statistics give it: upper case, with the subcommand of a container. */
    private void named(RedisCommand c) {
        String name = commands.word(0);
        if (name != null && CONTAINERS.contains(name) && commands.elements() > 1 && commands.word(1) != null) {
            name = name + " " + commands.word(1);
        }
        c.name = name;
        c.database = database;
        if ("SELECT".equals(name)) {
            // Redis runs commands in the order sent, so the commands after a SELECT use its database;
            // should it fail, the database is unknown from then on (see Replies.ended).
            c.selects = true;
            database = commands.word(1);
        } else if (name != null && MESSAGE_MODES.contains(name)) {
            stop(SUBSCRIBED);
        }
    }

    /** An error reply: its first word is the error's type (ERR, WRONGTYPE, NOAUTH...). */
    private void failed(RedisCommand c) {
        c.errorPrefix = replies.word(0);
        if (c.selects) {
            database = null;
        }
    }

    private final class Commands implements RespReader.Values {
        @Override
        public void started(byte type) {
            if (type != '*') {
                stop(INLINE);
                return;
            }
            int seq = commandsStarted++;
            RedisCommand c = command(seq);
            if (c != null) {
                c.requestStartNanos = System.nanoTime();
                c.awaitingBefore = Math.max(0, seq - repliesEnded);
            }
            sending = c;
        }

        @Override
        public void ended(long bytes) {
            RedisCommand c = sending;
            if (c == null || stopped != null) {
                return;
            }
            c.requestEndNanos = System.nanoTime();
            c.requestBytes = bytes;
            named(c);
            int seq = commandsEnded;
            commandsEnded = seq + 1;
            if (stopped == null) {
                complete(seq, c);
            }
        }
    }

    private final class Replies implements RespReader.Values {
        @Override
        public void started(byte type) {
            outOfBand = type == '>' || type == '|';
            if (outOfBand) {
                return;
            }
            RedisCommand c = command(repliesStarted++);
            if (c != null) {
                c.responseStartNanos = System.nanoTime();
            }
            answering = c;
        }

        @Override
        public void ended(long bytes) {
            RedisCommand c = answering;
            if (outOfBand || c == null || stopped != null) {
                return;
            }
            c.responseEndNanos = System.nanoTime();
            c.replyBytes = bytes;
            if (replies.topType() == '-') {
                failed(c);
            }
            int seq = repliesEnded;
            repliesEnded = seq + 1;
            complete(seq, c);
        }
    }
}
