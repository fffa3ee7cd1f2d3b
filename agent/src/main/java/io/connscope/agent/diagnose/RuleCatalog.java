package io.connscope.agent.diagnose;

import io.connscope.agent.connection.NagleBand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every rule, built with its {@code connscope.rule.<id>.*} settings: thresholds, and the
 * {@code enabled} switch. Settings that no rule reads are reported as unknown.
 */
public final class RuleCatalog {

    private final List<ExchangeRule> exchangeRules = new ArrayList<>();
    private final List<ConnectionRule> connectionRules = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private long leakStackFrames;
    private long leakStacksPerSecond;
    private NagleBand nagleBand;
    private final Map<String, String> normalized = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();
    private final Map<String, Thresholds> thresholds = new HashMap<>();

    /** @param settings the {@code connscope.rule.*} settings as given, keys in any of their spellings */
    public RuleCatalog(Map<String, String> settings) {
        for (Map.Entry<String, String> e : settings.entrySet()) {
            normalized.put(Thresholds.normalize(e.getKey()), e.getValue());
        }
        for (Rule rule : all()) {
            Thresholds t = thresholds(rule.id());
            ids.add(rule.id());
            if (rule instanceof ConnectionLeakRule) {
                leakStackFrames = ((ConnectionLeakRule) rule).stackFrames();
                leakStacksPerSecond = ((ConnectionLeakRule) rule).stacksPerSecond();
            }
            if (!t.enabled()) {
                if (rule instanceof ConnectionLeakRule) {
                    leakStackFrames = 0;
                }
                continue;
            }
            if (rule instanceof ExchangeRule) {
                exchangeRules.add((ExchangeRule) rule);
            } else {
                connectionRules.add((ConnectionRule) rule);
            }
        }
        Set<String> unknown = new TreeSet<>(normalized.keySet());
        unknown.removeAll(read);
        for (String key : unknown) {
            problems.add("unknown setting '" + key + "' ignored (rules: " + String.join(", ", ids) + ")");
        }
    }

    /**
     * Every rule, in the order rules run. Built directly rather than from a table of factories:
     * each lambda would cost the host's start-up a generated class.
     */
    private List<Rule> all() {
        nagleBand = NagleDelayedAckRule.band(thresholds(NagleDelayedAckRule.ID));
        return List.of(
            new UnsafeResendRule(),
            new PipeliningRule(),
            new Http10WithoutKeepAliveRule(),
            new CloseDelimitedResponseRule(),
            new RequestAfterCloseRule(),
            new KeepAliveTimeoutRule(),
            new TruncatedBodyRule(),
            new ResponseNotConsumedRule(),
            new HopByHopRule(),
            new NagleDelayedAckRule(thresholds(NagleDelayedAckRule.ID), nagleBand),
            new PeerNagleRule(thresholds(PeerNagleRule.ID), nagleBand),
            new NoDelayLateRule(),
            new AbortiveCloseRule(),
            new ConnectionResetRule(),
            new CloseOrderingRule(),
            new WebSocketAbnormalClosureRule(),
            new WebSocketCloseUnansweredRule(),
            new WebSocketClientClosedFirstRule(),
            new WebSocketAcceptMismatchRule(),
            new Http2StreamLimitRule(),
            new Http2StreamRefusedRule(),
            new Http2StreamResetRule(),
            new Http2GoawayErrorRule(),
            new Http2FlowBlockedRule(thresholds(Http2FlowBlockedRule.ID)),
            new Http2RapidResetRule(thresholds(Http2RapidResetRule.ID)),
            new GrpcTooManyPingsRule(),
            new GrpcMaxAgeCutRule(),
            new SlowSetupRule(thresholds(SlowSetupRule.ID)),
            new SlowNameResolutionRule(thresholds(SlowNameResolutionRule.ID)),
            new ConnectFallbackRule(),
            new NameCachedForeverRule(thresholds(NameCachedForeverRule.ID)),
            new SetupDominatesRule(thresholds(SetupDominatesRule.ID)),
            new TlsNoResumptionRule(thresholds(TlsNoResumptionRule.ID)),
            new TooManyConnectionsRule(thresholds(TooManyConnectionsRule.ID)),
            new KeepAliveDisabledRule(thresholds(KeepAliveDisabledRule.ID)),
            new ConnectionLeakRule(thresholds(ConnectionLeakRule.ID)),
            new IdleConnectionRule(thresholds(IdleConnectionRule.ID)),
            new PortExhaustionRule(),
            new ProtocolViolationRule(),
            new ConnectionChurnRule(thresholds(ConnectionChurnRule.ID)));
    }

    private Thresholds thresholds(String id) {
        Thresholds t = thresholds.get(id);
        if (t == null) {
            t = new Thresholds(id, normalized, read, problems);
            thresholds.put(id, t);
        }
        return t;
    }

    public List<ExchangeRule> exchangeRules() {
        return exchangeRules;
    }

    public List<ConnectionRule> connectionRules() {
        return connectionRules;
    }

    /** Every rule id, enabled or not. */
    public List<String> ids() {
        return ids;
    }

    /** One message per bad or unknown rule setting. */
    public List<String> problems() {
        return problems;
    }

    /** What counts as a Nagle stall, from the nagle-delayed-ack rule's settings: connections keep their evidence against it. */
    public NagleBand nagleBand() {
        return nagleBand;
    }

    /** Application frames of the connect call site to capture for leak reports (0 when the rule is off). */
    public int leakStackFrames() {
        return (int) Math.min(64, leakStackFrames);
    }

    /** Connect call sites captured per destination and second. */
    public int leakStacksPerSecond() {
        return (int) Math.min(Integer.MAX_VALUE, leakStacksPerSecond);
    }
}
