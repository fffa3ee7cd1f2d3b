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
        List<Warning> out = null;
        for (ExchangeRule rule : exchangeRules) {
            out = add(out, r, rule, () -> rule.check(r, e));
        }
        return out == null ? Collections.emptyList() : out;
    }

    /** The warnings to export for this connection. */
    public List<Warning> check(ConnectionRecord r) {
        List<Warning> out = null;
        for (ConnectionRule rule : connectionRules) {
            out = add(out, r, rule, () -> rule.check(r));
        }
        return out == null ? Collections.emptyList() : out;
    }

    private interface Check {
        Warning run();
    }

    /** Runs one rule; a failing rule is skipped for this item and logged once. */
    private List<Warning> add(List<Warning> out, ConnectionRecord r, Rule rule, Check check) {
        Warning w;
        try {
            w = check.run();
        } catch (RuntimeException ex) {
            AgentLog.once("rule-failed-" + rule.id(), "rule '" + rule.id() + "' failed and was skipped (the application"
                + " is not affected): " + ex, ex);
            return out;
        }
        if (w == null || !log.add(r.destination(), w, System.nanoTime())) {
            return out;
        }
        List<Warning> list = out == null ? new ArrayList<>(2) : out;
        list.add(w);
        return list;
    }
}
