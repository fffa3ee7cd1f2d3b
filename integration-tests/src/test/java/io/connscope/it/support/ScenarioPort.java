package io.connscope.it.support;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A port a demo scenario printed on an "expect:" line, with the time that scenario ran. Ports are
 * reused by the kernel once freed, so a later scenario's server may get an earlier one's port:
 * telemetry is matched by port and by time.
 */
public final class ScenarioPort {

    /**
     * Allowance at a scenario's edges: telemetry times come from connscope's clock (System.nanoTime
     * anchored to the wall clock once), the scenario starts from System.currentTimeMillis.
     */
    private static final long SLACK_MILLIS = 100;

    public final int port;
    private final long startMillis;
    private final long endMillis;

    private ScenarioPort(int port, long startMillis, long endMillis) {
        this.port = port;
        this.startMillis = startMillis;
        this.endMillis = endMillis;
    }

    /** The value of {@code key} on the first "expect:" line containing {@code marker}, and its scenario's time. */
    public static ScenarioPort of(ChildJvm.Result run, String marker, String key) {
        long start = 0;
        String line = null;
        long end = Long.MAX_VALUE;
        for (String l : run.stdout.split("\n")) {
            if (l.startsWith("expect: scenario=")) {
                long t = Long.parseLong(l.replaceAll(".*started\\.ms=(\\d+).*", "$1"));
                if (line != null) {
                    end = t;
                    break;
                }
                start = t;
            } else if (line == null && l.startsWith("expect:") && l.contains(marker)) {
                line = l;
            }
        }
        if (line == null) {
            throw new AssertionError("no 'expect:' line with " + marker + " in:\n" + run.stdout);
        }
        int port = Integer.parseInt(line.replaceAll(".*(^|[ :])" + java.util.regex.Pattern.quote(key) + "=(\\d+).*", "$2"));
        return new ScenarioPort(port, start, end);
    }

    public static ScenarioPort of(ChildJvm.Result run, String marker) {
        return of(run, marker, "port");
    }

    /** The warnings of this port's scenario for this role and destination port. */
    public List<LogView> warnings(List<LogView> all, String role) {
        return all.stream().filter(w -> role.equals(w.str("connscope.connection.role"))
                && Objects.equals(w.num("server.port"), (long) port) && during(w.log.getTimeUnixNano()))
            .sorted((a, b) -> Long.compare(a.log.getTimeUnixNano(), b.log.getTimeUnixNano()))
            .collect(Collectors.toList());
    }

    /** The spans that started while this port's scenario ran: two scenarios may both have printed one port. */
    public Spans during(Spans spans) {
        return new Spans(spans.all().stream().filter(s -> during(s.span.getStartTimeUnixNano()))
            .collect(Collectors.toList()));
    }

    private boolean during(long epochNanos) {
        long millis = epochNanos / 1_000_000;
        return millis >= startMillis - SLACK_MILLIS && millis <= endMillis + SLACK_MILLIS;
    }

    /**
     * The warnings that belong to the scenario that ran when they were raised and printed their port:
     * drops those of an earlier or later scenario whose server happened to get the same port.
     */
    public static List<LogView> attributed(ChildJvm.Result run, List<LogView> all) {
        Scenarios scenarios = new Scenarios(run);
        return all.stream().filter(w -> scenarios.owns(w.log.getTimeUnixNano(), w.num("server.port")))
            .collect(Collectors.toList());
    }

    /** The same for spans, by their start: a connection or exchange belongs to the scenario that opened it. */
    public static Spans attributed(ChildJvm.Result run, Spans spans) {
        Scenarios scenarios = new Scenarios(run);
        return new Spans(spans.all().stream().filter(s -> scenarios.owns(s.span.getStartTimeUnixNano(), s.num("server.port")))
            .collect(Collectors.toList()));
    }

    /** Each demo scenario's time window and the ports its "expect:" lines printed. */
    private static final class Scenarios {
        private final List<long[]> windows = new java.util.ArrayList<>();
        private final List<java.util.Set<Long>> ports = new java.util.ArrayList<>();

        Scenarios(ChildJvm.Result run) {
            for (String l : run.stdout.split("\n")) {
                if (l.startsWith("expect: scenario=")) {
                    long t = Long.parseLong(l.replaceAll(".*started\\.ms=(\\d+).*", "$1"));
                    if (!windows.isEmpty()) {
                        windows.get(windows.size() - 1)[1] = t;
                    }
                    windows.add(new long[] {t, Long.MAX_VALUE});
                    ports.add(new java.util.HashSet<>());
                } else if (l.startsWith("expect:") && !ports.isEmpty()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("port=(\\d+)").matcher(l);
                    while (m.find()) {
                        ports.get(ports.size() - 1).add(Long.parseLong(m.group(1)));
                    }
                }
            }
        }

        /** False only when the time falls in scenarios none of which printed this port. */
        boolean owns(long epochNanos, Long port) {
            if (port == null) {
                return true;
            }
            long millis = epochNanos / 1_000_000;
            boolean inAny = false;
            for (int i = 0; i < windows.size(); i++) {
                if (millis >= windows.get(i)[0] - SLACK_MILLIS && millis <= windows.get(i)[1] + SLACK_MILLIS) {
                    inAny = true;
                    if (ports.get(i).contains(port)) {
                        return true;
                    }
                }
            }
            return !inAny;
        }
    }
}
