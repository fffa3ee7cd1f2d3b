package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.wire.WireExchange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs the enabled rules: the exchange rules on each finished exchange, before it is handed to
 * export, and the connection rules on each ended connection when it is settled. Every warning goes
 * to the log (report and counter); the ones within the rate limit are returned for export.
 */
public final class Diagnosis {

    private final List<ExchangeRule> exchangeRules;
    private final List<ConnectionRule> connectionRules;
    private final WarningLog log;

    public Diagnosis(RuleCatalog catalog, WarningLog log) {
        this(catalog.exchangeRules(), catalog.connectionRules(), log);
    }

    Diagnosis(List<ExchangeRule> exchangeRules, List<ConnectionRule> connectionRules, WarningLog log) {
        this.exchangeRules = exchangeRules;
        this.connectionRules = connectionRules;
        this.log = log;
    }

    /** The warnings to export for this exchange: the exchange rules are HTTP's. */
    public List<Warning> check(ConnectionRecord r, WireExchange exchange) {
        if (!(exchange instanceof HttpExchange)) {
            return Collections.emptyList();
        }
        HttpExchange e = (HttpExchange) exchange;
        // Measured here, before the rules and whether or not setup-dominates is on: the report and a metric show it.
        try {
            r.destination().stats.reuse.add(r, e);
        } catch (RuntimeException ex) {
            AgentLog.once("reuse-timings-failed", "timing an exchange for the price of new connections failed (the"
                + " application is not affected): " + ex, ex);
        }
        List<Warning> out = null;
        // Indexed, and no lambda per rule: this runs for every exchange, and allocates nothing when no rule claims.
        for (int i = 0; i < exchangeRules.size(); i++) {
            ExchangeRule rule = exchangeRules.get(i);
            Warning w;
            try {
                w = rule.check(r, e);
            } catch (RuntimeException ex) {
                failed(rule, ex);
                continue;
            }
            out = add(out, r, w);
        }
        return out == null ? Collections.emptyList() : out;
    }

    /** The warnings to export for this connection. */
    public List<Warning> check(ConnectionRecord r) {
        List<Warning> out = null;
        for (int i = 0; i < connectionRules.size(); i++) {
            ConnectionRule rule = connectionRules.get(i);
            Warning w;
            try {
                w = rule.check(r);
            } catch (RuntimeException ex) {
                failed(rule, ex);
                continue;
            }
            out = add(out, r, w);
        }
        return out == null ? Collections.emptyList() : out;
    }

    /** A failing rule is skipped for this item and logged once. */
    private static void failed(Rule rule, RuntimeException ex) {
        AgentLog.once("rule-failed-" + rule.id(), "rule '" + rule.id() + "' failed and was skipped (the application"
            + " is not affected): " + ex, ex);
    }

    private List<Warning> add(List<Warning> out, ConnectionRecord r, Warning w) {
        if (w == null || !log.add(r.destination(), w, System.nanoTime())) {
            return out;
        }
        List<Warning> list = out == null ? new ArrayList<>(2) : out;
        list.add(w);
        return list;
    }
}
