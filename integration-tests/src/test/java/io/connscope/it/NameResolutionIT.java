package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.FifoResolver;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SpanView;
import io.connscope.it.support.Spans;
import io.connscope.it.support.StackFixtures;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Name resolution before connects, through a resolver the test controls (a FIFO as the JDK's hosts
 * file, answering each look-up after 300 ms) and a dead address (127.0.0.2, where the test's listener
 * has a full backlog, so connects there time out). The truth: the resolver's own delay and answer
 * count, the application's own look-up and request times, and its server's request count.
 */
class NameResolutionIT {

    private static final long DELAY_MS = 300;
    private static final String HOSTS = "127.0.0.1 slow.test\n127.0.0.2 fallback.test\n127.0.0.1 fallback.test\n"
        + "127.0.0.1 ok.test\n127.0.0.1 localhost\n";

    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void slowLookupsAndAFallbackAcrossAddressesAreShownWithTheirTimes(Jvm jvm) throws Exception {
        List<String> classpath = StackFixtures.classpath();
        Path dir = Files.createTempDirectory("names");
        List<Socket> backlog = new ArrayList<>();
        try (ServerSocket dead = new ServerSocket();
             FifoResolver resolver = new FifoResolver(dir, HOSTS, DELAY_MS);
             OtlpReceiver otlp = OtlpReceiver.start()) {
            dead.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 0), 1);
            for (int i = 0; i < 2; i++) { // the accept queue holds backlog + 1: full, later SYNs are dropped
                Socket s = new Socket();
                s.connect(dead.getLocalSocketAddress(), 2000);
                backlog.add(s);
            }
            int port = dead.getLocalPort();
            // The JDK's default address cache (30 s): the connect 3 s after slow.test's look-up is no hint's business.
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).jvmArg("-Djdk.net.hosts.file=" + resolver.path())
                .agentArgs("rule.name-cached-forever.run.ms=2500").main("io.connscope.stacks.NameResolutionApp", classpath, Integer.toString(port)).assertSuccess();
            System.out.println("NameResolutionIT on " + jvm + ": " + run.stdout.lines()
                .filter(l -> l.startsWith("expect:")).collect(Collectors.joining(" | ")));

            Map<String, String> slow = run.expectLine("step=slow ");
            Map<String, String> cached = run.expectLine("step=cached ");
            Map<String, String> fallback = run.expectLine("host=fallback.test ");
            assertThat(run.expectLine("result=done").get("server.requests")).isEqualTo("6");
            assertThat(Double.parseDouble(run.expectLine("step=later ").get("since.lookup.ms"))).isGreaterThan(2500);
            double slowLookup = Double.parseDouble(slow.get("lookup.ms"));
            // The resolver answers an open DELAY_MS after it began waiting for one: a look-up alone waits that long, one
            // that opens while another's answer is being delayed less.
            assertThat(slowLookup).as("the application's own look-up time").isGreaterThan(DELAY_MS / 2.0);
            assertThat(Double.parseDouble(cached.get("lookup.ms"))).as("answered by the JDK's cache").isLessThan(50);
            double fallbackRequest = Double.parseDouble(fallback.get("request.ms"));
            assertThat(fallbackRequest).as("the client's own time, the dead address's timeout in it").isGreaterThan(500);

            Spans spans = otlp.spans();
            List<SpanView> clients = Spans.byStart(spans.connections("client", port));
            assertThat(clients).extracting(c -> c.str("network.peer.address"))
                .containsExactly("127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1");
            // slow.test, resolved by the application on the connecting thread: the resolver's time, within its own.
            SpanView first = clients.get(0);
            assertThat(first.str("dns.question.name")).as(first.toString()).isEqualTo("slow.test");
            // Within the application's own time, which also holds the cache's check (and on a first use the JDK's
            // set-up of its resolver); more than half the resolver's delay.
            assertThat(first.dbl("connscope.dns.lookup_ms")).isBetween(DELAY_MS / 2.0, slowLookup);
            assertThat(strings(first, "dns.answers")).containsExactly("127.0.0.1");
            assertThat(first.num("connscope.dns.address_index")).isEqualTo(1L);
            assertThat(clients.get(1).has("dns.question.name")).as("the cache answered: nothing to add").isFalse();
            // fallback.test through Apache HttpClient: its own look-up, the dead first address, then the second.
            SpanView failed = clients.get(2);
            assertThat(failed.str("error.type")).isEqualTo("java.net.SocketTimeoutException");
            assertThat(failed.dbl("connscope.dns.lookup_ms")).isGreaterThan(DELAY_MS / 2.0);
            assertThat(strings(failed, "dns.answers")).containsExactly("127.0.0.2", "127.0.0.1");
            assertThat(failed.num("connscope.dns.address_index")).isEqualTo(1L);
            SpanView fellBack = clients.get(3);
            assertThat(fellBack.str("dns.question.name")).isEqualTo("fallback.test");
            assertThat(fellBack.num("connscope.dns.address_index")).isEqualTo(2L);
            assertThat(fellBack.num("connscope.connect.failed_attempts")).isEqualTo(1L);
            assertThat(fellBack.str("connscope.connect.first_failed_address")).isEqualTo("127.0.0.2");
            assertThat(fellBack.dbl("connscope.connect.failed_attempts_ms")).isBetween(500.0, fallbackRequest);
            assertThat(fellBack.has("connscope.dns.lookup_ms")).as("the look-up was the first attempt's").isFalse();
            assertThat(clients.get(4).str("dns.question.name")).isEqualTo("ok.test");
            assertThat(clients.get(4).has("connscope.connect.failed_attempts")).isFalse();
            assertThat(clients.get(5).has("dns.question.name")).as("an address, not a name").isFalse();
            assertThat(clients.get(6).str("server.address")).isEqualTo("slow.test");
            assertThat(clients.get(6).has("dns.question.name")).as("the cache answered").isFalse();

            // Warnings: slow look-ups before slow.test's, fallback.test's and ok.test's connects; one fallback.
            Map<Long, List<String>> rules = otlp.logs().stream().filter(l -> l.has("connscope.rule"))
                .filter(l -> clients.stream().anyMatch(c -> c.num("connscope.connection.id").equals(l.num("connscope.connection.id"))))
                .collect(Collectors.groupingBy(l -> l.num("connscope.connection.id"),
                    Collectors.mapping(l -> l.str("connscope.rule"), Collectors.toList())));
            assertThat(rules).containsOnlyKeys(id(clients.get(0)), id(failed), id(fellBack), id(clients.get(4)));
            assertThat(rules.get(id(clients.get(0)))).containsExactly("slow-name-resolution");
            assertThat(rules.get(id(failed))).containsExactly("slow-name-resolution");
            assertThat(rules.get(id(fellBack))).containsExactly("connect-fallback");
            assertThat(rules.get(id(clients.get(4)))).containsExactly("slow-name-resolution");
            LogView fallbackWarning = otlp.logs().stream().filter(l -> "connect-fallback".equals(l.str("connscope.rule")))
                .findFirst().orElseThrow();
            assertThat(fallbackWarning.str("connscope.evidence")).contains("reached 127.0.0.1 (address 2 of 2) after 1 failed"
                + " connect(s)").contains("the first to 127.0.0.2 (java.net.SocketTimeoutException)");

            // dns.lookup.duration: one look-up per name the resolver answered for the application, each at least its delay.
            Map<String, HistogramDataPoint> lookups = new java.util.HashMap<>();
            otlp.metrics("dns.lookup.duration").forEach(m -> m.getHistogram().getDataPointsList()
                .forEach(p -> lookups.put(attr(p.getAttributesList(), "dns.question.name"), p)));
            for (String name : new String[] {"slow.test", "fallback.test", "ok.test"}) {
                assertThat(lookups.get(name).getCount()).as(name).isEqualTo(1L);
                assertThat(lookups.get(name).getSum()).as(name).isGreaterThan(DELAY_MS / 2000.0);
            }
            // The same look-up as the span's, within the application's own time.
            assertThat(lookups.get("slow.test").getSum() * 1000).isEqualTo(first.dbl("connscope.dns.lookup_ms"),
                org.assertj.core.data.Offset.offset(0.001)).isLessThanOrEqualTo(slowLookup);
            // The report's name table: one look-up each (the application resolved slow.test three times; the JDK's
            // cache answered two), the answers in the resolver's order.
            String report = run.stderr.replaceAll("\\s*\\n\\s{6}", " ");
            assertThat(report).containsPattern("(?m)^  slow\\.test: 1 look-up\\(s\\), [0-9.]+ ms mean, [0-9.]+ ms at most;"
                + " answer: 127\\.0\\.0\\.1$");
            assertThat(report).containsPattern("(?m)^  fallback\\.test: 1 look-up\\(s\\), .*; answer: 127\\.0\\.0\\.2,"
                + " 127\\.0\\.0\\.1$");
            assertThat(report).containsPattern("(?m)^  ok\\.test: 1 look-up\\(s\\), .*; answer: 127\\.0\\.0\\.1$");
            assertThat(resolver.answered()).as("the resolver's own count, the agent's and the JDK's own look-ups included")
                .isGreaterThanOrEqualTo(3);
        } finally {
            for (Socket s : backlog) {
                s.close();
            }
        }
    }

    /** A failing name-lookup hook disables itself; the application's look-ups and requests go on as without it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void aFailingNameLookupHookLeavesTheLookUpsAlone(Jvm jvm) throws Exception {
        List<String> classpath = StackFixtures.classpath();
        Path dir = Files.createTempDirectory("names");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // for the application's server; nothing listens on 127.0.0.2: refused at once
        }
        try (FifoResolver resolver = new FifoResolver(dir, HOSTS, 50);
             OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).jvmArg("-Djdk.net.hosts.file=" + resolver.path())
                .agentArgs("hook.max.failures=2").failingHooks("name-lookup")
                .main("io.connscope.stacks.NameResolutionApp", classpath, Integer.toString(port)).assertSuccess();
            assertThat(run.expectLine("result=done").get("server.requests")).isEqualTo("6");
            assertThat(run.expectLine("step=slow ").get("answer")).isEqualTo("127.0.0.1");
            assertThat(run.stderr.lines().filter(l -> l.startsWith("[connscope] hook 'name-lookup' disabled after repeated"
                + " internal errors"))).hasSize(1);
            assertThat(otlp.logs()).noneMatch(l -> "slow-name-resolution".equals(l.str("connscope.rule")));
            assertThat(otlp.spans().connections("client", port)).hasSize(7)
                .noneMatch(c -> c.has("connscope.dns.lookup_ms"));
        }
    }

    /**
     * The demo's scenarios: connect-fallback in the demo's own JVM (its client tries a name's addresses in
     * turn; the first drops SYNs), slow-name-resolution in a JVM the scenario starts with a FIFO as its hosts
     * file, whose own report is printed in the tour. Truth: the clients' own attempts and times.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Jvm.class)
    void theDemosScenariosRaiseTheirRulesAndTheirHealthyCounterpartsStaySilent(Jvm jvm) throws Exception {
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.Result run = ChildJvm.on(jvm).exportingTo(otlp).demo("connect-fallback", "slow-name-resolution")
                .assertSuccess();
            Map<String, String> fallback = run.expectLine("connect.fallback=demo ");
            assertThat(fallback.get("fallback.demo.attempts")).isEqualTo("2");
            assertThat(fallback.get("first-alive.demo.attempts")).isEqualTo("1");
            int port = Integer.parseInt(fallback.get("port"));
            List<SpanView> clients = otlp.spans().connections("client", port).stream()
                .filter(c -> c.str("server.address").endsWith(".demo")).collect(Collectors.toList());
            SpanView fellBack = clients.stream().filter(c -> c.has("connscope.connect.failed_attempts")).findFirst()
                .orElseThrow();
            assertThat(fellBack.str("server.address")).isEqualTo("fallback.demo");
            assertThat(fellBack.dbl("connscope.connect.failed_attempts_ms"))
                .isBetween(300.0, Double.parseDouble(fallback.get("fallback.demo.ms")));
            assertThat(clients).filteredOn(c -> c.str("server.address").equals("first-alive.demo")).hasSize(1)
                .allSatisfy(c -> assertThat(c.has("connscope.connect.failed_attempts")).isFalse());
            List<LogView> warnings = otlp.logs().stream().filter(l -> l.has("connscope.rule"))
                .filter(l -> clients.stream().anyMatch(c -> c.num("connscope.connection.id").equals(l.num("connscope.connection.id"))))
                .collect(Collectors.toList());
            assertThat(warnings).extracting(l -> l.str("connscope.rule")).containsExactly("connect-fallback");
            assertThat(warnings.get(0).num("connscope.connection.id")).isEqualTo(id(fellBack));

            // The child JVM's own report, in the tour's output: one slow look-up, the cached second one silent.
            Map<String, String> slow = run.expectLine("slow.name.resolution=demo ");
            double childLookup = Double.parseDouble(slow.get("first.lookup.ms"));
            assertThat(childLookup).isGreaterThan(150);
            assertThat(Double.parseDouble(slow.get("cached.lookup.ms"))).isLessThan(50);
            assertThat(run.stdout).contains("WARN slow-name-resolution at slow.demo:" + slow.get("port") + ", 1 time(s)");
            // The report wraps its lines (and the tour prefixes the child's with "  | "): read it unwrapped.
            String report = run.stdout.replaceAll("\\s*\\n\\s*(\\|\\s*)?", " ");
            java.util.regex.Matcher took = java.util.regex.Pattern.compile("resolving slow\\.demo took (\\d+) ms")
                .matcher(report);
            assertThat(took.find()).isTrue();
            // Within the child's own time, which also holds the JDK's first-use set-up of its resolver.
            assertThat(Double.parseDouble(took.group(1))).isBetween(150.0, childLookup + 1);
            // The child keeps look-ups for ever (-Dsun.net.inetaddr.ttl=-1) and connects again past the hint's run.ms
            // (1000 there): one hint, its age within the child's own time since its first look-up began.
            assertThat(run.stdout).contains("INFO name-cached-forever at slow.demo:" + slow.get("port") + ", 1 time(s)");
            java.util.regex.Matcher age = java.util.regex.Pattern.compile("answer for slow\\.demo looked up (\\d+) ms")
                .matcher(report);
            assertThat(age.find()).isTrue();
            assertThat(Double.parseDouble(age.group(1))).isBetween(1000.0, Double.parseDouble(slow.get("later.since.lookup.ms")) + 1);
        }
    }

    private static Long id(SpanView s) {
        return s.num("connscope.connection.id");
    }

    private static List<String> strings(SpanView s, String key) {
        AnyValue v = s.attr(key);
        return v == null ? List.of() : v.getArrayValue().getValuesList().stream().map(AnyValue::getStringValue)
            .collect(Collectors.toList());
    }

    private static String attr(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue())
            .findFirst().orElse(null);
    }
}
