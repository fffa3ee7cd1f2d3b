package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.fixtures.JfrApp;
import io.connscope.it.fixtures.JfrDump;
import io.connscope.it.support.ChildJvm;
import io.connscope.testsupport.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * connscope's JFR events, in a recording started with -XX:StartFlightRecording and read back with
 * jdk.jfr.consumer.RecordingFile on the same JDK: every value against the application's own byte
 * counts and the JDK's own jdk.SocketRead and jdk.SocketWrite events for the same connection.
 */
class JfrIT {

    /** The JDK's socket events for every read and write, beside connscope's (enabled by their own defaults). */
    private static final String SETTINGS = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<configuration version=\"2.0\">\n"
        + "  <event name=\"jdk.SocketRead\"><setting name=\"enabled\">true</setting>"
        + "<setting name=\"threshold\">0 ms</setting><setting name=\"stackTrace\">false</setting></event>\n"
        + "  <event name=\"jdk.SocketWrite\"><setting name=\"enabled\">true</setting>"
        + "<setting name=\"threshold\">0 ms</setting><setting name=\"stackTrace\">false</setting></event>\n"
        + "</configuration>\n";

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void connectionsExchangesAndWarningsAreRecordedWithTheApplicationsAndTheJdksOwnNumbers(Jvm jvm) throws Exception {
        Path dir = Files.createDirectories(Paths.get(System.getProperty("connscope.work.dir"))).resolve("jfr-" + jvm.name());
        Files.createDirectories(dir);
        Path settings = Files.writeString(dir.resolve("sockets.jfc"), SETTINGS);
        Path recording = dir.resolve("recording.jfr");
        Files.deleteIfExists(recording);
        ChildJvm.Result run = ChildJvm.on(jvm)
            .jvmArg("-XX:StartFlightRecording=filename=" + recording + ",settings=" + settings + ",dumponexit=true")
            .fixture(JfrApp.class).assertSuccess();
        Map<String, String> truth = run.expectLine("keepalive.port=");
        List<Map<String, String>> events = read(jvm, recording);

        int keepAlivePort = Integer.parseInt(truth.get("keepalive.port"));
        int cutPort = Integer.parseInt(truth.get("cut.port"));
        int serverPort = Integer.parseInt(truth.get("server.port"));
        List<Map<String, String>> connections = of(events, "connscope.ConnectionEnded");
        assertThat(connections).as("two connections, each seen from both ends").hasSize(4);

        // The keep-alive connection's server end: its bytes are the server's own count, and the JDK's.
        Map<String, String> server = one(connections, e -> "server".equals(e.get("role"))
            && e.get("peerPort").equals(String.valueOf(keepAlivePort)));
        assertThat(server.get("bytesReceived")).isEqualTo(truth.get("server.keepalive.read"))
            .isEqualTo(String.valueOf(sum(events, "jdk.SocketRead", keepAlivePort, "bytesRead")));
        assertThat(server.get("bytesSent")).isEqualTo(truth.get("server.keepalive.written"))
            .isEqualTo(String.valueOf(sum(events, "jdk.SocketWrite", keepAlivePort, "bytesWritten")));
        assertThat(server.get("httpRequests")).isEqualTo("3");
        assertThat(server.get("closeClassification")).isEqualTo("peer-first");
        assertThat(server.get("destination")).isEqualTo("listening_:" + serverPort);
        assertThat(server.get("localPort")).isEqualTo(String.valueOf(serverPort));

        // Its client end: the client's own count.
        Map<String, String> client = one(connections, e -> "client".equals(e.get("role"))
            && e.get("localPort").equals(String.valueOf(keepAlivePort)));
        assertThat(client.get("bytesSent")).isEqualTo(truth.get("keepalive.sent"));
        assertThat(client.get("bytesReceived")).isEqualTo(truth.get("keepalive.received"));
        assertThat(client.get("peerPort")).isEqualTo(String.valueOf(serverPort));
        assertThat(client.get("api")).isEqualTo("socket");
        assertThat(client.get("closeClassification")).isEqualTo("local-close");
        assertThat(Long.parseLong(client.get("connectDuration"))).isPositive();
        assertThat(client.get("warnings")).isNull();

        // Its three exchanges, from each end, in order.
        for (Map<String, String> end : List.of(client, server)) {
            List<Map<String, String>> exchanges = of(events, "connscope.HttpExchange").stream()
                .filter(e -> e.get("connectionId").equals(end.get("connectionId"))).collect(Collectors.toList());
            assertThat(exchanges).extracting(e -> e.get("path")).containsExactly("/item/1", "/item/2", "/item/3");
            assertThat(exchanges).extracting(e -> e.get("requestIndex")).containsExactly("1", "2", "3");
            assertThat(exchanges).allSatisfy(e -> {
                assertThat(e.get("method")).isEqualTo("GET");
                assertThat(e.get("status")).isEqualTo("200");
                assertThat(e.get("responseBodyBytes")).isEqualTo("5");
                assertThat(e.get("role")).isEqualTo(end.get("role"));
                assertThat(e.get("thread")).isEqualTo("connscope-export");
            });
        }

        // The cut response: 5 of the 10 bytes the server declared, a truncated-body warning at each end.
        Map<String, String> cutClient = one(connections, e -> "client".equals(e.get("role"))
            && e.get("localPort").equals(String.valueOf(cutPort)));
        Map<String, String> cutServer = one(connections, e -> "server".equals(e.get("role"))
            && e.get("peerPort").equals(String.valueOf(cutPort)));
        assertThat(cutClient.get("bytesReceived")).isEqualTo(truth.get("cut.received"));
        assertThat(cutServer.get("bytesSent")).isEqualTo(truth.get("server.cut.written"))
            .isEqualTo(String.valueOf(sum(events, "jdk.SocketWrite", cutPort, "bytesWritten")));
        List<Map<String, String>> warnings = of(events, "connscope.Warning");
        assertThat(warnings).extracting(w -> w.get("rule") + "@" + w.get("connectionId")).containsExactlyInAnyOrder(
            "truncated-body@" + cutClient.get("connectionId"), "truncated-body@" + cutServer.get("connectionId"));
        assertThat(warnings).allSatisfy(w -> {
            assertThat(w.get("severity")).isEqualTo("WARN");
            assertThat(w.get("evidence")).containsPattern("(received|sent)_5_of_10_bytes");
            assertThat(w.get("fix")).isNotBlank();
        });
        Map<String, String> cutExchange = one(of(events, "connscope.HttpExchange"),
            e -> e.get("connectionId").equals(cutClient.get("connectionId")));
        assertThat(cutExchange.get("path")).isEqualTo("/cut");
        assertThat(cutExchange.get("warnings")).isEqualTo("truncated-body");
    }

    /** Without a recording, the JFR sink makes nothing: not one of its event classes is even loaded. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void withoutARecordingNoEventIsMade(Jvm jvm) throws Exception {
        ChildJvm.Result run = ChildJvm.on(jvm).jvmArg("-Xlog:class+load=info").fixture(JfrApp.class).assertSuccess();
        assertThat(run.expectLine("keepalive.port=")).containsKey("cut.port");
        assertThat(run.stdout).as("connscope ran and settled the connections").contains("io.connscope.agent.jfr.JfrSink ")
            .doesNotContain("io.connscope.agent.jfr.ConnectionEndedEvent").doesNotContain("io.connscope.agent.jfr.HttpExchangeEvent")
            .doesNotContain("io.connscope.agent.jfr.WarningEvent");
    }

    /** The recording's events, read by JfrDump in a child JVM of the JDK that wrote it. */
    private static List<Map<String, String>> read(Jvm jvm, Path recording) throws Exception {
        ChildJvm.Result dump = ChildJvm.on(jvm).withoutAgent().fixture(JfrDump.class, recording.toString()).assertSuccess();
        List<Map<String, String>> events = new ArrayList<>();
        for (String line : dump.stdout.split("\n")) {
            if (!line.startsWith("event=")) {
                continue;
            }
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.split(" ")) {
                int eq = part.indexOf('=');
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
            events.add(kv);
        }
        return events;
    }

    private static List<Map<String, String>> of(List<Map<String, String>> events, String name) {
        return events.stream().filter(e -> name.equals(e.get("event"))).collect(Collectors.toList());
    }

    private static Map<String, String> one(List<Map<String, String>> events, Predicate<Map<String, String>> which) {
        List<Map<String, String>> found = events.stream().filter(which).collect(Collectors.toList());
        assertThat(found).as("exactly one of " + events).hasSize(1);
        return found.get(0);
    }

    /** The JDK's own count: the bytes its socket events say moved on the connection whose far port is {@code port}. */
    private static long sum(List<Map<String, String>> events, String name, int port, String field) {
        return of(events, name).stream().filter(e -> String.valueOf(port).equals(e.get("port")))
            .mapToLong(e -> Math.max(0, Long.parseLong(e.get(field)))).sum();
    }
}
