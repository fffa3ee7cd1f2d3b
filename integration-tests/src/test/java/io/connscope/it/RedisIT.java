package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.LettuceApp;
import io.connscope.it.fixtures.RedisApp;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.RedisServer;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.testsupport.Jvm;
import java.io.File;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RESP, the second protocol connscope follows (after the HTTP family), chosen by a connection's first
 * bytes: real Redis clients (Jedis on a socket, Lettuce on Netty's epoll) against Debian's
 * redis-server, whose own statistics are the truth.
 */
class RedisIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void jedisOnASocket(Jvm jvm) throws Exception {
        check(jvm, RedisApp.class, "jedis|commons-pool2|slf4j-api|gson|json", List.of("jedis", "commons-pool2"), "socket");
    }

    /** Lettuce speaks RESP3 (HELLO 3 first), through Netty's epoll transport: native memory, gathering writes. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void lettuceOnNettyEpoll(Jvm jvm) throws Exception {
        check(jvm, LettuceApp.class, "lettuce-core|netty-(?!incubator)[a-z-]+|reactor-core|reactive-streams",
            List.of("lettuce-core", "netty-transport-native-epoll", "reactor-core"), "netty-native");
    }

    /**
     * Every command the server counted in its own statistics is one span named as its statistics
     * name it, with the server's own error counts, the database the server stored into, and the
     * pipeline the client wrote before reading a reply.
     */
    private static void check(Jvm jvm, Class<?> fixture, String jars, List<String> required, String api) throws Exception {
        List<String> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.matches(".*/(" + jars + ")-[0-9][^/]*\\.jar")) {
                classpath.add(entry);
            }
        }
        for (String jar : required) {
            assertThat(classpath).as("the client and its dependencies").anyMatch(e -> e.contains("/" + jar + "-"));
        }
        try (RedisServer redis = RedisServer.start(Paths.get(System.getProperty("connscope.work.dir"),
                "redis-" + fixture.getSimpleName() + "-" + jvm));
             OtlpReceiver otlp = OtlpReceiver.start()) {
            redis.resetStats();
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp)
                .fixture(fixture, classpath, String.valueOf(redis.port())).assertSuccess();
            Map<String, String> truth = run.expectLine("pipelined=");
            Map<String, String> commandStats = redis.info("commandstats");
            Map<String, String> errorStats = redis.info("errorstats");
            Map<String, String> keyspace = redis.info("keyspace");

            Spans spans = otlp.spans();
            List<SpanView> commands = Spans.byStart(spans.where(s -> "redis".equals(s.str("db.system.name"))
                && s.span.getKind().name().equals("SPAN_KIND_CLIENT")
                && Long.valueOf(redis.port()).equals(s.num("server.port"))));

            // The server's own count of each command, "cmdstat_client|setinfo:calls=2,...": the same as
            // connscope's spans by name, for every command the server knows.
            Map<String, Long> served = new TreeMap<>();
            commandStats.forEach((name, stats) -> {
                String command = name.substring("cmdstat_".length()).toUpperCase().replace('|', ' ');
                if (!command.equals("CONFIG RESETSTAT") && !command.equals("INFO")) { // the test's own
                    served.put(command, stat(stats, "calls") + stat(stats, "rejected_calls"));
                }
            });
            Map<String, Long> seen = commands.stream()
                .collect(Collectors.groupingBy(s -> s.str("db.operation.name"), TreeMap::new, Collectors.counting()));
            Map<String, Long> seenKnown = new TreeMap<>(seen);
            seenKnown.keySet().retainAll(served.keySet());
            assertThat(seenKnown).isEqualTo(served);
            // A command the server does not know is in no command statistics (Redis 7.0 has no CLIENT
            // SETINFO, which Lettuce sends): each was refused with ERR, which errorstats counts below.
            assertThat(commands).filteredOn(s -> !served.containsKey(s.str("db.operation.name")))
                .allSatisfy(s -> assertThat(s.str("error.type")).isEqualTo("ERR"));
            assertThat(seen).containsEntry("SET", 11L).containsEntry("GET", 10L).containsEntry("INCR", 20L)
                .containsEntry("LPUSH", 1L).containsEntry("SELECT", 1L);

            // Errors: the server's own count of each error type, and the one the client was told.
            Map<String, Long> errors = commands.stream().filter(s -> s.has("error.type"))
                .collect(Collectors.groupingBy(s -> s.str("error.type"), TreeMap::new, Collectors.counting()));
            Map<String, Long> counted = new TreeMap<>();
            errorStats.forEach((name, stats) -> counted.put(name.substring("errorstat_".length()), stat(stats, "count")));
            assertThat(errors).isEqualTo(counted).containsEntry(truth.get("error"), 1L);
            SpanView lpush = commands.stream().filter(s -> "LPUSH".equals(s.str("db.operation.name"))).findFirst().get();
            assertThat(lpush.str("db.response.status_code")).isEqualTo("WRONGTYPE");
            assertThat(lpush.span.getStatus().getCode().name()).isEqualTo("STATUS_CODE_ERROR");

            // The pipeline: every INCR written before the first of their replies was read.
            assertThat(commands.stream().filter(s -> "INCR".equals(s.str("db.operation.name")))
                .map(s -> s.num("connscope.resp.awaiting_before"))).containsExactlyElementsOf(
                    LongStream.range(0, Long.parseLong(truth.get("pipelined"))).boxed()
                        .collect(Collectors.toList()));

            // The database: the SET after SELECT 2 is where the server stored its key.
            assertThat(keyspace).containsOnlyKeys("db0", "db2");
            assertThat(keyspace.get("db2")).startsWith("keys=1,");
            SpanView last = commands.get(commands.size() - 1);
            assertThat(last.str("db.operation.name")).isEqualTo("SET");
            assertThat(last.str("db.namespace")).isEqualTo("2");
            assertThat(commands.get(0).str("db.namespace")).isEqualTo("0");

            // One connection, each command an exchange on it, in order, linked from the connection's span.
            SpanView connection = spans.connection("client", redis.port());
            assertThat(connection.str("connscope.connection.api")).isEqualTo(api);
            assertThat(commands).allSatisfy(s -> {
                assertThat(s.num("connscope.connection.id")).isEqualTo(connection.num("connscope.connection.id"));
                assertThat(s.str("network.protocol.name")).isEqualTo("resp");
                assertThat(s.durationNanos()).isPositive();
            });
            assertThat(commands).extracting(s -> s.num("connscope.connection.request_index"))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, commands.size()).boxed()
                    .collect(Collectors.toList()));
            assertThat(connection.span.getLinksList()).hasSize(Math.min(commands.size(), 32));
            assertThat(connection.has("connscope.http.requests")).as("not HTTP").isFalse();
        }
    }

    /** One "name=value" of a stats line ("calls=10,usec=9,..."), 0 when absent. */
    private static long stat(String stats, String name) {
        for (String pair : stats.split(",")) {
            if (pair.startsWith(name + "=")) {
                return Long.parseLong(pair.substring(name.length() + 1));
            }
        }
        return 0L;
    }
}
