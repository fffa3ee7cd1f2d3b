package io.connscope.agent.diagnose;

/**
 * What a rule's warning costs the application, most harmful first: the reports list warnings in this
 * order, so that a request the server may have processed twice is read before a missed keep-alive.
 * One table for every rule (not a method on each): the order of harm is a judgement across rules,
 * and reading it in one place is how it stays consistent. {@code ImpactTest} checks that every rule
 * of the catalog is in it.
 */
public enum Impact {
    /** Requests or responses lost, cut or processed twice. */
    DATA("lost or duplicated data"),
    /** Work that failed or was refused, or may fail unseen. */
    FAILURE("failed or refused work"),
    /** Time added to requests. */
    LATENCY("added latency"),
    /** Connections, ports and handshakes spent for nothing. */
    WASTE("wasted connections"),
    /** Protocol hygiene with no measured cost yet. */
    HYGIENE("protocol hygiene");

    private final String label;

    Impact(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The impact of a rule's warnings; a rule not in the table (none in the catalog) counts as {@link #HYGIENE}. */
    public static Impact of(String rule) {
        Impact i = table(rule);
        return i == null ? HYGIENE : i;
    }

    /** Whether the table places the rule (for the test that keeps it complete). */
    static boolean lists(String rule) {
        return table(rule) != null;
    }

    private static Impact table(String rule) {
        switch (rule) {
            case UnsafeResendRule.ID:
            case TruncatedBodyRule.ID:
            case AbortiveCloseRule.ID:
            case ConnectionResetRule.ID:
            case RequestAfterCloseRule.ID:
            case Http2StreamResetRule.ID:
            case GrpcMaxAgeCutRule.ID:
            case WebSocketAbnormalClosureRule.ID:
                return DATA;
            case KeepAliveTimeoutRule.ID:
            case CloseDelimitedResponseRule.ID:
            case Http2GoawayErrorRule.ID:
            case Http2StreamRefusedRule.ID:
            case GrpcTooManyPingsRule.ID:
            case PortExhaustionRule.ID:
            case ConnectionLeakRule.ID:
            case ResponseNotConsumedRule.ID:
            case ProtocolViolationRule.ID:
            case Http2RapidResetRule.ID:
            case WebSocketAcceptMismatchRule.ID:
                return FAILURE;
            case NagleDelayedAckRule.ID:
            case PeerNagleRule.ID:
            case NoDelayLateRule.ID:
            case SlowSetupRule.ID:
            case SlowNameResolutionRule.ID:
            case ConnectFallbackRule.ID:
            case SetupDominatesRule.ID:
            case Http2FlowBlockedRule.ID:
            case TlsNoResumptionRule.ID:
            case Http2StreamLimitRule.ID:
                return LATENCY;
            case KeepAliveDisabledRule.ID:
            case Http10WithoutKeepAliveRule.ID:
            case ConnectionChurnRule.ID:
            case TooManyConnectionsRule.ID:
            case IdleConnectionRule.ID:
            case CloseOrderingRule.ID:
            case WebSocketCloseUnansweredRule.ID:
            case WebSocketClientClosedFirstRule.ID:
                return WASTE;
            case PipeliningRule.ID:
            case HopByHopRule.ID:
            case NameCachedForeverRule.ID:
                return HYGIENE;
            default:
                return null;
        }
    }
}
