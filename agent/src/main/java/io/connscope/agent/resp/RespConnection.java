package io.connscope.agent.resp;

import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireAnalyser;
import io.connscope.agent.wire.WireExchange;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The RESP analysis of one connection to (or from) a Redis server: commands and replies, paired in
 * order (RESP answers every command in the order sent, pipelined or not), each pair one
 * {@link RedisCommand}. Out-of-band values (RESP3 pushes and attributes) answer nothing and are
 * skipped. After a SUBSCRIBE or MONITOR the server sends messages rather than replies, and after a
 * CLIENT REPLY it may leave commands unanswered, so the analysis stops there, as it does past
 * {@link #MAX_AWAITING} commands awaiting replies. What it holds is charged to the analysis memory
 * budget, and given back when the connection ends.
 */
final class RespConnection implements WireAnalyser {

    /** Commands sent and not yet answered that the analysis follows (a power of two); a deeper pipeline stops it. */
    static final int MAX_AWAITING = 1024;
    /** The table of commands awaiting replies, and one command, as charged to the analysis memory budget. */
    static final long TABLE_BYTES = 16L + 8L * MAX_AWAITING;
    static final long COMMAND_BYTES = 192L;
    static final String SUBSCRIBED = "subscribed: what the server sends next are messages, not replies";
    static final String REPLIES_OFF = "CLIENT REPLY: the server may leave commands unanswered";
    static final String TOO_DEEP = "more than " + MAX_AWAITING + " commands awaiting replies";
    static final String INLINE = "a command that is not an array (inline commands are not followed)";
    static final String ABANDONED = "replaced by a new analysis";
    /** Commands after which what the server sends does not answer the commands in order. */
    private static final Set<String> UNPAIRED = Set.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "MONITOR", "CLIENT REPLY");
    /** Commands named with their subcommand, as Redis names them in its own command statistics. */
    private static final Set<String> CONTAINERS = Set.of("ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG",
        "FUNCTION", "LATENCY", "MEMORY", "MODULE", "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO");

    private final Consumer<WireExchange> finished;
    private final AnalysisMemory.Lease memory;
    /** The commands in flight, each at its sequence number modulo the capacity; null when the budget refused it. */
    private final AtomicReferenceArray<RedisCommand> awaiting;
    private final RespReader commands = new RespReader(new Commands());
    private final RespReader replies = new RespReader(new Replies());
    /** Written by the thread feeding commands only. */
    private long commandsStarted;
    private volatile long commandsEnded;
    /** Written by the thread feeding replies only. */
    private long repliesStarted;
    private volatile long repliesEnded;
    private RedisCommand sending;
    private RedisCommand answering;
    /** The reply being read is out of band (a push or an attribute): it answers no command. */
    private boolean outOfBand;
    /**
     * The database the server runs the next reply's command in: 0 until a SELECT succeeds; null once
     * not known. Kept by the thread feeding replies, in their order, which is the order Redis ran them.
     */
    private String database = "0";
    private volatile String stopped;

    RespConnection(Consumer<WireExchange> finished, AnalysisMemory.Lease memory) {
        this.finished = finished;
        this.memory = memory;
        boolean room = memory.reserve(TABLE_BYTES);
        this.awaiting = room ? new AtomicReferenceArray<>(MAX_AWAITING) : null;
        this.stopped = room ? null : AnalysisMemory.SPENT;
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

    /**
     * Stops following the connection: the commands awaiting replies are let go, and their share of the
     * budget given back (the table's stays charged until the connection ends, as it is held until then).
     */
    @Override
    public void stop(String reason) {
        if (stopped != null) {
            return;
        }
        stopped = reason;
        for (int i = 0; awaiting != null && i < MAX_AWAITING; i++) {
            RedisCommand c = awaiting.get(i);
            if (c != null && awaiting.compareAndSet(i, c, null)) {
                memory.release(COMMAND_BYTES);
            }
        }
    }

    /** Why the analysis stopped, or null while it goes on. */
    String stopped() {
        return stopped;
    }

    /**
     * Commands still awaiting replies end without them, unless the analysis had stopped following
     * them; what the analysis held goes back to the budget.
     */
    @Override
    public void end(long endNanos) {
        if (stopped == null) {
            stopped = "connection ended";
            for (long seq = repliesEnded; seq < commandsEnded; seq++) {
                RedisCommand c = awaiting.get(slot(seq));
                if (c != null && c.seq == seq && c.responseEndNanos == 0L) {
                    c.failure = c.responseStartNanos == 0L ? "no_reply" : "reply_cut";
                    c.database = database;
                    complete(seq, c);
                }
            }
        }
        memory.close();
    }

    @Override
    public void abandon() {
        stopped = ABANDONED;
        memory.close();
    }

    private static int slot(long seq) {
        return (int) (seq & (MAX_AWAITING - 1));
    }

    /** The command with this sequence number, made by whichever direction reaches it first; null when there is no room. */
    private RedisCommand command(long seq) {
        RedisCommand c = awaiting.get(slot(seq));
        if (c != null && c.seq == seq) {
            return c;
        }
        return c == null ? newCommand(seq) : overflow(TOO_DEEP);
    }

    private RedisCommand newCommand(long seq) {
        if (!memory.reserve(COMMAND_BYTES)) {
            return overflow(AnalysisMemory.SPENT);
        }
        RedisCommand made = new RedisCommand(seq);
        if (awaiting.compareAndSet(slot(seq), null, made)) {
            return made;
        }
        memory.release(COMMAND_BYTES);
        RedisCommand other = awaiting.get(slot(seq));
        return other != null && other.seq == seq ? other : overflow(TOO_DEEP);
    }

    private RedisCommand overflow(String reason) {
        stop(reason);
        return null;
    }

    private void complete(long seq, RedisCommand c) {
        if (c.halfDone()) {
            if (awaiting.compareAndSet(slot(seq), c, null)) { // else a stop let it go, and gave its bytes back
                memory.release(COMMAND_BYTES);
            }
            finished.accept(c);
        }
    }

    /**
     * The command's name as Redis's own statistics give it: upper case, with the subcommand of a
     * container; {@code _OTHER} for what is no command name (only letters, digits and . _ - |).
     */
    private void named(RedisCommand c) {
        String name = nameOf(commands.word(0, true));
        if (CONTAINERS.contains(name) && commands.elements() > 1) {
            name = name + " " + nameOf(commands.word(1, true));
        }
        if ("SELECT".equals(name)) { // before the name: a reply that sees the name sees this too
            String index = commands.word(1, false);
            c.selects = index != null && index.length() <= 5 && index.chars().allMatch(Character::isDigit) ? index : "";
        }
        c.name = name;
        if (UNPAIRED.contains(name)) {
            stop(name.equals("CLIENT REPLY") ? REPLIES_OFF : SUBSCRIBED);
        }
    }

    private static String nameOf(String word) {
        if (word == null) {
            return "_OTHER";
        }
        for (int i = 0; i < word.length(); i++) {
            char ch = word.charAt(i);
            if (!(ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-' || ch == '|')) {
                return "_OTHER";
            }
        }
        return word;
    }

    /**
     * A reply, in the order Redis ran the commands: the database its command ran in, its error (an
     * error reply's first word, as Redis's error statistics name it), and the database of the
     * commands after it (a SELECT that succeeded; RESET; a SELECT queued in a transaction leaves it
     * unknown, and so does an OK or QUEUED answering a command not seen yet, which may be a SELECT).
     */
    private void answered(RedisCommand c) {
        c.database = database;
        byte type = replies.topType();
        String word = replies.word(0, false);
        if (type == '-' || type == '!') {
            c.errorPrefix = word;
        } else if (c.name == null) {
            if (type == '+' && ("OK".equals(word) || "QUEUED".equals(word))) {
                database = null;
            }
        } else if (c.selects != null) {
            database = c.selects.isEmpty() || !"OK".equals(word) ? "QUEUED".equals(word) ? null : database
                : c.selects;
        } else if ("RESET".equals(c.name)) {
            database = "0";
        }
    }

    private final class Commands implements RespReader.Values {
        @Override
        public void started(byte type) {
            if (type != '*') {
                stop(INLINE);
                return;
            }
            long seq = commandsStarted++;
            RedisCommand c = command(seq);
            if (c != null) {
                c.requestStartNanos = System.nanoTime();
                c.awaitingBefore = (int) Math.min(Math.max(0L, seq - repliesEnded), Integer.MAX_VALUE);
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
            long seq = commandsEnded;
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
            answered(c);
            long seq = repliesEnded;
            repliesEnded = seq + 1;
            complete(seq, c);
        }
    }
}
