package io.connscope.agent.report;

import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.DestinationStats;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.Impact;
import io.connscope.agent.diagnose.Severity;
import io.connscope.agent.diagnose.WarningLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text report's opening: what was followed (connections, HTTP exchanges, how often a
 * connection was reused) and the warnings by severity and rule, most harmful first, so that the
 * first screen says whether anything needs reading.
 */
final class TextSummary {

    /** Where the continuation of a summary line starts, and of an impact's list of rules. */
    private static final String MORE = "                ";
    private static final String MORE_RULES = "                             ";

    private TextSummary() {
    }

    static String of(List<Destination> all, List<WarningLog.Group> warnings, int width) {
        Totals client = new Totals();
        Totals server = new Totals();
        for (Destination d : all) {
            (d.role == Role.CLIENT ? client : server).add(d.stats);
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d connection(s), %d destination(s)%n",
            client.connections + server.connections, all.size()));
        out.append(TextWrap.wrap("  connections   ", client.connections + " outbound to " + client.destinations
            + " destination(s)" + (client.failed > 0 ? " (" + client.failed + " failed to connect)" : "") + ", "
            + server.connections + " inbound on " + server.destinations + " listening port(s)", MORE, width));
        if (client.requests + server.requests > 0) {
            out.append(TextWrap.wrap("  HTTP          ", client.http("outbound: "), MORE, width));
            out.append(TextWrap.wrap(MORE, server.http("inbound:  "), MORE, width));
        }
        out.append(TextReusePrice.summary(all, width));
        out.append(warnings(warnings, width));
        return out.toString();
    }

    /** "3 warning(s) in 2 rule(s): 2 WARN, 1 INFO", then one line per impact with its rules, most harmful first. */
    private static String warnings(List<WarningLog.Group> groups, int width) {
        if (groups.isEmpty()) {
            return "  warnings      none\n";
        }
        Map<String, long[]> rules = new LinkedHashMap<>(); // per rule: count, 1 if WARN
        long warn = 0;
        long info = 0;
        for (WarningLog.Group g : TextWarnings.ordered(groups)) {
            long[] r = rules.computeIfAbsent(g.rule, k -> new long[2]);
            r[0] += g.count();
            if (g.severity == Severity.WARN) {
                r[1] = 1;
                warn += g.count();
            } else {
                info += g.count();
            }
        }
        StringBuilder out = new StringBuilder(TextWrap.wrap("  warnings      ", (warn + info) + " in " + rules.size()
            + " rule(s): " + warn + " WARN, " + info + " INFO; most harmful first, each listed below", MORE, width));
        Impact impact = null;
        List<String> line = new ArrayList<>();
        for (Map.Entry<String, long[]> r : rules.entrySet()) {
            Impact i = Impact.of(r.getKey());
            if (i != impact && !line.isEmpty()) {
                out.append(impactLine(impact, line, width));
                line.clear();
            }
            impact = i;
            line.add((r.getValue()[1] == 1 ? "WARN " : "INFO ") + r.getKey() + " " + r.getValue()[0]);
        }
        out.append(impactLine(impact, line, width));
        return out.toString();
    }

    /** An impact and its rules, each rule kept whole on its line (its spaces held together while wrapping). */
    private static String impactLine(Impact impact, List<String> rules, int width) {
        List<String> whole = new ArrayList<>();
        for (String r : rules) {
            whole.add(r.replace(' ', '\u00a0'));
        }
        return TextWrap.wrap(String.format(Locale.ROOT, "    %-25s", impact.label()), String.join(", ", whole), MORE_RULES,
            width).replace('\u00a0', ' ');
    }

    /** One role's totals. */
    private static final class Totals {
        long connections;
        long failed;
        long destinations;
        long requests;
        long responses;
        long httpConnections;

        void add(DestinationStats s) {
            destinations++;
            connections += s.opened.get() + s.connectFailures.get();
            failed += s.connectFailures.get();
            requests += s.httpRequests.get();
            responses += s.httpResponses.get();
            httpConnections += s.httpConnections.get();
        }

        /** "12 request(s), 12 response(s) on 3 connection(s), 75% of requests on a reused one" (as reuseRatio counts). */
        String http(String role) {
            if (requests == 0) {
                return role + "none";
            }
            return role + requests + " request(s), " + responses + " response(s) on " + httpConnections
                + " connection(s), " + Math.round(100 * (1.0 - (double) httpConnections / requests))
                + "% of requests on a reused one";
        }
    }
}
