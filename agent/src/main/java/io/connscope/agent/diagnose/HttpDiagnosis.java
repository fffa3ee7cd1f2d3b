package io.connscope.agent.diagnose;

import io.connscope.agent.AgentLog;
import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.http.HttpExchange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Runs the HTTP rules on each finished exchange, before it is handed to export, so the report
 * counts every warning even when telemetry export has to drop the exchange.
 */
public final class HttpDiagnosis {

    private final List<ExchangeRule> rules;
    private final WarningLog log;

    public HttpDiagnosis(WarningLog log) {
        this(log, Arrays.asList(new UnsafeResendRule(), new PipeliningRule(), new Http10WithoutKeepAliveRule(),
            new CloseDelimitedResponseRule(), new RequestAfterCloseRule(), new KeepAliveTimeoutRule(),
            new TruncatedBodyRule()));
    }

    HttpDiagnosis(WarningLog log, List<ExchangeRule> rules) {
        this.log = log;
        this.rules = rules;
    }

    /** The warnings this exchange raises, each also added to the log; a failing rule is skipped. */
    public List<Warning> check(ConnectionRecord r, HttpExchange e) {
        List<Warning> out = null;
        for (ExchangeRule rule : rules) {
            Warning w;
            try {
                w = rule.check(r, e);
            } catch (RuntimeException ex) {
                AgentLog.once("rule-failed-" + rule.id(), "rule '" + rule.id() + "' failed and was skipped for an"
                    + " exchange (the application is not affected): " + ex, ex);
                continue;
            }
            if (w != null) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(w);
                log.add(r.destination, w);
            }
        }
        return out == null ? Collections.emptyList() : out;
    }

    public List<String> ruleIds() {
        List<String> ids = new ArrayList<>();
        for (ExchangeRule rule : rules) {
            ids.add(rule.id());
        }
        return ids;
    }
}
