package io.connscope.agent.diagnose;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every rule, built with its {@code connscope.rule.<id>.*} settings: thresholds, and the
 * {@code enabled} switch. Settings that no rule reads are reported as unknown.
 */
public final class RuleCatalog {

    /** Each rule id with how to build the rule from its settings, in the order rules run. */
    private static final Map<String, Function<Thresholds, Rule>> RULES = new LinkedHashMap<>();

    static {
        RULES.put(UnsafeResendRule.ID, t -> new UnsafeResendRule());
        RULES.put(PipeliningRule.ID, t -> new PipeliningRule());
        RULES.put(Http10WithoutKeepAliveRule.ID, t -> new Http10WithoutKeepAliveRule());
        RULES.put(CloseDelimitedResponseRule.ID, t -> new CloseDelimitedResponseRule());
        RULES.put(RequestAfterCloseRule.ID, t -> new RequestAfterCloseRule());
        RULES.put(KeepAliveTimeoutRule.ID, t -> new KeepAliveTimeoutRule());
        RULES.put(TruncatedBodyRule.ID, t -> new TruncatedBodyRule());
        RULES.put(HopByHopRule.ID, t -> new HopByHopRule());
        RULES.put(NagleDelayedAckRule.ID, NagleDelayedAckRule::new);
        RULES.put(NoDelayLateRule.ID, t -> new NoDelayLateRule());
        RULES.put(AbortiveCloseRule.ID, t -> new AbortiveCloseRule());
        RULES.put(ConnectionResetRule.ID, t -> new ConnectionResetRule());
        RULES.put(CloseOrderingRule.ID, t -> new CloseOrderingRule());
        RULES.put(SlowSetupRule.ID, SlowSetupRule::new);
        RULES.put(TlsNoResumptionRule.ID, TlsNoResumptionRule::new);
        RULES.put(TooManyConnectionsRule.ID, TooManyConnectionsRule::new);
        RULES.put(ConnectionLeakRule.ID, ConnectionLeakRule::new);
        RULES.put(IdleConnectionRule.ID, IdleConnectionRule::new);
        RULES.put(PortExhaustionRule.ID, t -> new PortExhaustionRule());
        RULES.put(ConnectionChurnRule.ID, ConnectionChurnRule::new);
    }

    private final List<ExchangeRule> exchangeRules = new ArrayList<>();
    private final List<ConnectionRule> connectionRules = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private long leakStackFrames;

    /** @param settings the {@code connscope.rule.*} settings as given, keys in any of their spellings */
    public RuleCatalog(Map<String, String> settings) {
        Map<String, String> normalized = new LinkedHashMap<>();
        settings.forEach((k, v) -> normalized.put(Thresholds.normalize(k), v));
        Set<String> read = new HashSet<>();
        for (Map.Entry<String, Function<Thresholds, Rule>> entry : RULES.entrySet()) {
            Thresholds t = new Thresholds(entry.getKey(), normalized, read, problems);
            Rule rule = entry.getValue().apply(t);
            ids.add(rule.id());
            if (rule instanceof ConnectionLeakRule) {
                leakStackFrames = ((ConnectionLeakRule) rule).stackFrames();
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

    /** Application frames of the connect call site to capture for leak reports (0 when the rule is off). */
    public int leakStackFrames() {
        return (int) Math.min(64, leakStackFrames);
    }
}
