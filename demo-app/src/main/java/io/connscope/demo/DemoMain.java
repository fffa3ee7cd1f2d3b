package io.connscope.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the tour: every scenario by default, or the ones named on the command line.
 * {@code --help} lists them.
 */
public final class DemoMain {

    private static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static {
        for (Scenario s : Arrays.asList(HttpRequestsScenario.keepAlive(), HttpRequestsScenario.churn(), new NoDelayScenario(),
            new HalfCloseScenario(), new AbortiveCloseScenario(), new TlsScenario(), new ChannelScenario(),
            JavaHttpClientScenario.cleartext(), JavaHttpClientScenario.https(), new HttpsKeepAliveScenario(),
            new StaleKeepAliveScenario(), new AppRetryScenario(), JavaHttpClientRetryScenario.cleartext(),
            JavaHttpClientRetryScenario.https(), new PipeliningScenario(), WireRuleScenario.http10(),
            WireRuleScenario.closeDelimited(), WireRuleScenario.requestAfterClose(), WireRuleScenario.keepAliveTimeout(),
            WireRuleScenario.truncatedBody(), WireRuleScenario.malformedResponse(), ConnectionRuleScenario.closeOrdering(),
            ConnectionRuleScenario.tooManyConnections(),
            ConnectionRuleScenario.connectionChurn(), ConnectionRuleScenario.noDelayLate(), ConnectionRuleScenario.idleConnection(),
            ConnectionRuleScenario.slowSetup(), ConnectionRuleScenario.portExhaustion(),
            ConnectionRuleScenario.connectionLeak(), ConnectionRuleScenario.tlsNoResumption(), new TlsPoolScenario(), ConnectionRuleScenario.hopByHop(),
            ConnectionRuleScenario.keepAliveDisabled(), new ReusePriceScenario(), new LongLivedScenario(),
            new ConnectFallbackScenario(), new SlowNameResolutionScenario(), new UnreadBodyScenario(),
            CleanWebSocketScenario.clean(), CleanWebSocketScenario.lateClose(), WebSocketScenario.closed(), WebSocketScenario.aborted(),
            WebSocketScenario.tls(), Http2Scenario.tls(),
            Http2Scenario.upgrade(), Http2Scenario.priorKnowledge(), Http2Scenario.streamLimit(), new Http2ResetScenario(),
            Http2LivenessScenario.flowControl(), Http2LivenessScenario.rapidReset(),
            GrpcScenario.calls(),
            GrpcScenario.tls(), GrpcScenario.maxAge(), new ReactorNettyScenario(), new HealthyScenario())) {
            SCENARIOS.put(s.name(), s);
        }
    }

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        List<Scenario> chosen = new ArrayList<>();
        boolean loop = false;
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                usage(out);
                return;
            }
            if (arg.equals("--loop")) {
                loop = true;
                continue;
            }
            Scenario s = SCENARIOS.get(arg);
            if (s == null) {
                System.err.println("unknown scenario '" + arg + "'");
                usage(System.err);
                System.exit(2);
            }
            chosen.add(s);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(SCENARIOS.values());
        }
        do {
            for (Scenario s : chosen) {
                out.println("== " + s.name() + ": " + s.description());
                // When the scenario started, so that its telemetry can be told from another's that reused its ports.
                out.println("expect: scenario=" + s.name() + " started.ms=" + System.currentTimeMillis());
                DemoPorts.startScenario(s.name());
                s.run(out);
                out.println();
            }
        } while (loop);
        out.println("expect: scenario=(end) started.ms=" + System.currentTimeMillis());
        out.println("Done. With the agent attached, the connscope report follows on stderr.");
    }

    private static void usage(PrintStream out) {
        out.println("usage: java [-javaagent:connscope-agent.jar] -jar connscope-demo.jar [--loop] [scenario ...]");
        out.println("Runs every scenario when none is named; --loop runs them again and again until the JVM is");
        out.println("stopped, to try java -jar connscope-agent.jar attach <pid> on. Scenarios:");
        for (Scenario s : SCENARIOS.values()) {
            out.printf("  %-16s %s%n", s.name(), s.description());
        }
    }
}
