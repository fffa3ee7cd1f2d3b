package io.connscope.agent.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireExchange;
import io.connscope.agent.wire.WireProtocol.Verdict;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commands and replies paired into exchanges, on one connection, as a Redis client and server exchange them. */
class RespConnectionTest {

    private final List<WireExchange> finished = new ArrayList<>();
    private final AnalysisMemory.Lease memory = AnalysisMemory.unlimited().lease();
    private final RespConnection resp = new RespConnection(finished::add, memory);

    private static String command(String... words) {
        StringBuilder sb = new StringBuilder("*").append(words.length).append("\r\n");
        for (String w : words) {
            sb.append('$').append(w.length()).append("\r\n").append(w).append("\r\n");
        }
        return sb.toString();
    }

    private void send(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        resp.feed(true, b, 0, b.length);
    }

    /** Replies arrive in a buffer, as from a channel read. */
    private void reply(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        resp.feed(false, ByteBuffer.wrap(b), 0, b.length);
    }

    private RedisCommand at(int i) {
        return (RedisCommand) finished.get(i);
    }

    @Test
    void pipelinedCommandsArePairedWithTheirRepliesInOrder() {
        String set = command("SET", "k", "v");
        send(set + command("incr", "n") + command("LPUSH", "k", "x"));
        reply("+OK\r\n:1\r");
        reply("\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assertThat(finished).extracting(WireExchange::operation).containsExactly("SET", "INCR", "LPUSH");
        assertThat(finished).extracting(WireExchange::index).containsExactly(1, 2, 3);
        assertThat(finished).extracting(e -> e.attributes().get("connscope.resp.awaiting_before"))
            .containsExactly(0L, 1L, 2L);
        assertThat(finished).extracting(WireExchange::errorType).containsExactly(null, null, "WRONGTYPE");
        assertThat(at(0).attributes()).containsEntry("db.system.name", "redis").containsEntry("db.operation.name", "SET")
            .containsEntry("db.namespace", "0").containsEntry("connscope.resp.request.bytes", (long) set.length())
            .containsEntry("connscope.resp.reply.bytes", 5L).doesNotContainKey("db.response.status_code");
        assertThat(at(2).attributes()).containsEntry("db.response.status_code", "WRONGTYPE");
        for (WireExchange e : finished) {
            assertThat(e.protocol()).isEqualTo("resp");
            assertThat(e.requestStartNanos()).isPositive().isLessThanOrEqualTo(e.requestEndNanos());
            assertThat(e.requestEndNanos()).isLessThanOrEqualTo(e.responseStartNanos());
            assertThat(e.responseStartNanos()).isLessThanOrEqualTo(e.responseEndNanos());
            assertThat(e.failure()).isNull();
        }
    }

    @Test
    void aReplyReadBeforeItsCommandWasSeenStillPairs() {
        reply("$3\r\nabc\r\n");
        assertThat(finished).isEmpty();
        send(command("GET", "k"));
        assertThat(finished).extracting(WireExchange::operation).containsExactly("GET");
        assertThat(at(0).attributes()).containsEntry("connscope.resp.reply.bytes", 9L);
    }

    @Test
    void containerCommandsAreNamedWithTheirSubcommandAsRedisCountsThem() {
        send(command("CLIENT", "setinfo", "LIB-NAME", "jedis") + command("config", "get", "maxmemory")
            + command("OBJECT"));
        reply("+OK\r\n*0\r\n-ERR wrong number of arguments\r\n");
        assertThat(finished).extracting(WireExchange::operation)
            .containsExactly("CLIENT SETINFO", "CONFIG GET", "OBJECT");
    }

    @Test
    void aSelectChangesTheDatabaseOfTheCommandsAfterItAsRedisRanThem() {
        send(command("GET", "a") + command("SELECT", "2") + command("GET", "a"));
        reply("$-1\r\n+OK\r\n$-1\r\n");
        send(command("SELECT", "99") + command("GET", "a")); // refused: the database stays 2
        reply("-ERR DB index is out of range\r\n$-1\r\n");
        send(command("RESET") + command("GET", "a"));
        reply("+RESET\r\n$-1\r\n");
        assertThat(finished).extracting(e -> e.attributes().get("db.namespace"))
            .containsExactly("0", "0", "2", "2", "2", "2", "0");
    }

    @Test
    void anOkReadBeforeItsCommandWasSeenLeavesTheDatabaseUnknownForItMayHaveBeenASelect() {
        reply("+OK\r\n");
        send(command("SET", "a", "b") + command("GET", "a"));
        reply("$1\r\nb\r\n");
        assertThat(finished).extracting(e -> e.attributes().get("db.namespace")).containsExactly("0", null);
    }

    @Test
    void aSelectQueuedInATransactionLeavesTheDatabaseUnknown() {
        send(command("MULTI") + command("SELECT", "3") + command("GET", "a") + command("EXEC"));
        reply("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$-1\r\n");
        assertThat(finished).extracting(e -> e.attributes().get("db.namespace")).containsExactly("0", "0", null, null);
    }

    @Test
    void errorsAreNamedAsSentAndBlobErrorsToo() {
        send(command("EVAL", "return redis.error_reply('my_err boom')", "0") + command("BAD"));
        reply("-my_err boom\r\n!25\r\nSYNTAX something is wrong\r\n");
        assertThat(finished).extracting(WireExchange::errorType).containsExactly("my_err", "SYNTAX");
    }

    @Test
    void whatIsNoCommandNameIsOther() {
        send(command("GE\u0001T", "k") + command("CLIENT", "no\u0002such"));
        reply("-ERR unknown command\r\n-ERR unknown subcommand\r\n");
        assertThat(finished).extracting(WireExchange::operation).containsExactly("_OTHER", "CLIENT _OTHER");
    }

    @Test
    void clientReplyStopsTheAnalysisForTheServerMayNotAnswer() {
        send(command("CLIENT", "REPLY", "SKIP") + command("SET", "a", "b") + command("GET", "a"));
        assertThat(resp.stopped()).isEqualTo(RespConnection.REPLIES_OFF);
    }

    @Test
    void whatTheAnalysisHoldsIsChargedToTheBudgetAndGivenBackAtTheEnd() {
        assertThat(memory.held()).isEqualTo(RespConnection.TABLE_BYTES);
        send(command("GET", "a") + command("GET", "b"));
        assertThat(memory.held()).isEqualTo(RespConnection.TABLE_BYTES + 2 * RespConnection.COMMAND_BYTES);
        reply("$-1\r\n");
        assertThat(memory.held()).isEqualTo(RespConnection.TABLE_BYTES + RespConnection.COMMAND_BYTES);
        resp.end(System.nanoTime());
        assertThat(memory.held()).isNegative(); // closed: everything went back

        AnalysisMemory.Lease lease = AnalysisMemory.unlimited().lease();
        RespConnection subscribing = new RespConnection(finished::add, lease);
        byte[] b = (command("GET", "a") + command("SUBSCRIBE", "news")).getBytes(StandardCharsets.ISO_8859_1);
        subscribing.feed(true, b, 0, b.length);
        assertThat(subscribing.stopped()).isEqualTo(RespConnection.SUBSCRIBED);
        assertThat(lease.held()).as("stopped: its commands let go").isEqualTo(RespConnection.TABLE_BYTES);

        AnalysisMemory small = new AnalysisMemory(RespConnection.TABLE_BYTES - 1);
        RespConnection refused = new RespConnection(finished::add, small.lease());
        assertThat(refused.stopped()).isEqualTo(AnalysisMemory.SPENT);
        assertThat(small.used()).isZero();
    }

    @Test
    void pushesAndAttributesAnswerNoCommand() {
        send(command("GET", "k"));
        reply(">3\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n_\r\n|1\r\n+ttl\r\n:3\r\n$3\r\nabc\r\n");
        assertThat(finished).hasSize(1);
        assertThat(at(0).attributes()).containsEntry("connscope.resp.reply.bytes", 9L);
    }

    @Test
    void afterASubscribeTheMessagesAreNotRepliesSoTheAnalysisStops() {
        send(command("PING"));
        reply("+PONG\r\n");
        send(command("SUBSCRIBE", "news"));
        assertThat(resp.done()).isTrue();
        assertThat(resp.stopped()).isEqualTo(RespConnection.SUBSCRIBED);
        reply("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
        resp.end(System.nanoTime());
        assertThat(finished).extracting(WireExchange::operation).containsExactly("PING");
    }

    @Test
    void commandsLeftWithoutTheirWholeReplyEndWithTheConnection() {
        send(command("GET", "a") + command("GET", "b") + command("GET", "c"));
        reply("$1\r\nx\r\n$5\r\nab");
        resp.end(System.nanoTime());
        assertThat(finished).extracting(WireExchange::failure).containsExactly(null, "reply_cut", "no_reply");
        assertThat(finished.get(2).responseEndNanos()).isZero();
        assertThat(finished.get(2).attributes()).doesNotContainKey("connscope.resp.reply.bytes");
        assertThat(resp.done()).isTrue();
    }

    @Test
    void aDeeperPipelineThanFollowedStopsTheAnalysisAndReportsNoneOfIt() {
        send(command("PING").repeat(RespConnection.MAX_AWAITING + 1));
        assertThat(resp.stopped()).isEqualTo(RespConnection.TOO_DEEP);
        resp.end(System.nanoTime());
        assertThat(finished).isEmpty();
    }

    @Test
    void inlineCommandsAreNotFollowed() {
        send("PING\r\n");
        assertThat(resp.stopped()).isEqualTo("a value of unknown type");
        RespConnection other = new RespConnection(finished::add, AnalysisMemory.unlimited().lease());
        byte[] b = "+PING\r\n".getBytes(StandardCharsets.ISO_8859_1);
        other.feed(true, b, 0, b.length);
        assertThat(other.stopped()).isEqualTo(RespConnection.INLINE);
    }

    @Test
    void anAbandonedAnalysisReportsNothing() {
        send(command("GET", "a"));
        resp.abandon();
        reply("$-1\r\n");
        resp.end(System.nanoTime());
        assertThat(finished).isEmpty();
    }

    @Test
    void aConnectionIsRespWhenItsClientStartsWithACommandArray() {
        RespProtocol p = new RespProtocol();
        assertThat(sniff(p, true, "*3\r\n$3\r\nSET")).isEqualTo(Verdict.YES);
        assertThat(sniff(p, true, "*12\r\n$")).isEqualTo(Verdict.YES);
        for (String partial : new String[] {"*", "*1", "*12", "*1\r", "*1\r\n"}) {
            assertThat(sniff(p, true, partial)).as(partial).isEqualTo(Verdict.MORE);
        }
        for (String other : new String[] {"GET / HTTP/1.1", "PRI * HTTP/2.0", "*\r\n", "*1\r\n+", "*1\n", "*1\r\r",
            "*123456789012", "PING\r\n"}) {
            assertThat(sniff(p, true, other)).as(other).isEqualTo(Verdict.NO);
        }
        assertThat(sniff(p, false, "+OK")).as("a reply read first: the client's bytes will tell").isEqualTo(Verdict.MORE);
        assertThat(sniff(p, false, "HTTP/1.1 200 OK")).as("no reply").isEqualTo(Verdict.NO);
        assertThat(sniff(p, false, "$20\r\n01234567890")).as("no more room to wait in").isEqualTo(Verdict.YES);
    }

    private static Verdict sniff(RespProtocol p, boolean towardServer, String first) {
        byte[] b = first.getBytes(StandardCharsets.ISO_8859_1);
        return p.sniff(towardServer, b, b.length);
    }
}
