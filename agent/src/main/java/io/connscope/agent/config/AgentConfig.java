package io.connscope.agent.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * connscope's own settings. Each is read from, in order of precedence: the agent argument string
 * ({@code -javaagent:connscope-agent.jar=key=value,key=value}), system properties, and
 * {@code CONNSCOPE_*} environment variables ({@code connscope.report.file} ↔
 * {@code CONNSCOPE_REPORT_FILE}). A bad value never stops the JVM: it is reported in
 * {@link #problems()} and the default is used. {@code otel.*} keys in the agent argument string are
 * passed on to the OpenTelemetry SDK configuration.
 */
public final class AgentConfig {

    /** A properties file of settings, below every other source. */
    public static final String CONFIG_FILE = "connscope.config.file";
    /** false turns connscope off entirely. */
    public static final String ENABLED = "connscope.enabled";
    /** Print (or write) the connection report at JVM exit. */
    public static final String REPORT_ENABLED = "connscope.report.enabled";
    /** Write the exit report to this file instead of stderr. */
    public static final String REPORT_FILE = "connscope.report.file";
    /** Also write the self-contained HTML report (waterfall, tables, warnings) to this file. */
    public static final String REPORT_HTML = "connscope.report.html";
    /** Connections the HTML report and the live view keep: the latest, and a quarter as many with warnings besides. */
    public static final String REPORT_CONNECTIONS = "connscope.report.connections";
    /** Every column of the text report's tables, and each entry on one line, however wide. */
    public static final String REPORT_WIDE = "connscope.report.wide";
    /** One line on stderr at start-up (version, where the report goes, what is exported) and one at exit (where the report went). */
    public static final String BANNER = "connscope.banner";
    /** Serve the live report on 127.0.0.1 at this port; empty: off. */
    public static final String REPORT_PORT = "connscope.report.port";
    /** Most connections tracked at once; further ones are counted but not followed. */
    public static final String MAX_CONNECTIONS = "connscope.max.connections";
    /** Most destinations aggregated in the report and metrics; the rest are folded into (other). */
    public static final String MAX_DESTINATIONS = "connscope.max.destinations";
    /**
     * Most bytes the wire analysis of all connections holds at once (heads and header blocks in
     * flight, HPACK tables); empty for 1/16 of the maximum heap, at least 1 MiB and at most 64 MiB.
     */
    public static final String MAX_ANALYSIS_MEMORY = "connscope.max.analysis.memory";
    /** Finished HTTP exchanges waiting for export; when full, new ones are dropped and counted. */
    public static final String EXPORT_QUEUE_SIZE = "connscope.export.queue.size";
    /** Most time the exit hook spends flushing telemetry. */
    public static final String SHUTDOWN_TIMEOUT_MS = "connscope.shutdown.timeout.ms";
    /** How long after a failed attempt an identical request from the same client counts as its resend. */
    public static final String RESEND_WINDOW_MS = "connscope.http.resend.window.ms";
    /** Warnings of one rule at one destination exported per minute; further ones are only counted. */
    public static final String WARNINGS_PER_MINUTE = "connscope.warnings.per.minute";
    /** How often connections open longer than this are described while they live (a log record each); 0: never. */
    public static final String SNAPSHOT_INTERVAL_MS = "connscope.snapshot.interval.ms";
    /** Most connections described at each interval, the longest-lived first. */
    public static final String SNAPSHOT_MAX = "connscope.snapshot.max";
    /**
     * Share of healthy exchanges that get a span (0 to 1). Exchanges with a warning, or whose request
     * carried a sampled W3C traceparent, always get one; metrics and the report count every exchange.
     */
    public static final String EXCHANGE_SPANS_RATIO = "connscope.exchange.spans.ratio";
    /**
     * Export request targets' query strings as {@code url.query}. Off by default: queries carry
     * tokens, session ids and personal data as often as paths do not.
     */
    public static final String CAPTURE_QUERY = "connscope.capture.query";
    /** Follow connections to the OTLP collectors too (by default they are telemetry, not the application's traffic). */
    public static final String TRACK_TELEMETRY = "connscope.track.telemetry";
    public static final String DESTINATIONS_INCLUDE = "connscope.destinations.include";
    public static final String DESTINATIONS_EXCLUDE = "connscope.destinations.exclude";
    public static final String LISTEN_PORTS_INCLUDE = "connscope.listen.ports.include";
    public static final String LISTEN_PORTS_EXCLUDE = "connscope.listen.ports.exclude";
    /** False drops server.address and server.port from metrics: their series no longer grow with destinations. */
    public static final String METRICS_PER_DESTINATION = "connscope.metrics.per.destination";
    /** Prefix of the rule settings, {@code connscope.rule.<id>.<name>}, which the rule catalog checks. */
    public static final String RULE_PREFIX = "connscope.rule.";
    /**
     * Where instrumented JDK classes are kept between runs, so a warm start skips the weaving:
     * empty for {@code <java.io.tmpdir>/connscope-<user>}, {@code off} for no cache.
     */
    public static final String INSTRUMENT_CACHE = "connscope.instrument.cache";
    /** Internal errors after which a hook disables itself. */
    public static final String HOOK_MAX_FAILURES = "connscope.hook.max.failures";
    /** Log start-up details and stack traces of internal errors. */
    public static final String DEBUG = "connscope.debug";

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    static {
        define(ENABLED, "true", SettingKind.BOOLEAN);
        define(CONFIG_FILE, "", SettingKind.PATH);
        define(REPORT_ENABLED, "true", SettingKind.BOOLEAN);
        define(REPORT_FILE, "", SettingKind.FILE);
        define(REPORT_HTML, "", SettingKind.FILE);
        define(REPORT_PORT, "", SettingKind.PORT);
        define(REPORT_CONNECTIONS, "20000", SettingKind.POSITIVE_INT);
        define(REPORT_WIDE, "false", SettingKind.BOOLEAN);
        define(BANNER, "true", SettingKind.BOOLEAN);
        define(MAX_CONNECTIONS, "65536", SettingKind.POSITIVE_INT);
        define(MAX_DESTINATIONS, "1000", SettingKind.POSITIVE_INT);
        define(MAX_ANALYSIS_MEMORY, "", SettingKind.BYTES);
        define(EXPORT_QUEUE_SIZE, "8192", SettingKind.POSITIVE_INT);
        define(SHUTDOWN_TIMEOUT_MS, "2000", SettingKind.POSITIVE_INT);
        define(RESEND_WINDOW_MS, "10000", SettingKind.POSITIVE_INT);
        define(WARNINGS_PER_MINUTE, "10", SettingKind.POSITIVE_INT);
        define(SNAPSHOT_INTERVAL_MS, "60000", SettingKind.WHOLE_NUMBER);
        define(SNAPSHOT_MAX, "100", SettingKind.POSITIVE_INT);
        define(EXCHANGE_SPANS_RATIO, "0.01", SettingKind.RATIO);
        define(CAPTURE_QUERY, "false", SettingKind.BOOLEAN);
        define(TRACK_TELEMETRY, "false", SettingKind.BOOLEAN);
        define(DESTINATIONS_INCLUDE, "", SettingKind.DESTINATIONS);
        define(DESTINATIONS_EXCLUDE, "", SettingKind.DESTINATIONS);
        define(LISTEN_PORTS_INCLUDE, "", SettingKind.PORTS);
        define(LISTEN_PORTS_EXCLUDE, "", SettingKind.PORTS);
        define(METRICS_PER_DESTINATION, "true", SettingKind.BOOLEAN);
        define(INSTRUMENT_CACHE, "", SettingKind.PATH);
        define(HOOK_MAX_FAILURES, "10", SettingKind.POSITIVE_INT);
        define(DEBUG, "false", SettingKind.BOOLEAN);
    }

    private final Map<String, String> values;
    private final Map<String, String> otelOverrides;
    private final Map<String, String> otelFromFile;
    private final Map<String, String> ruleSettings;
    private final List<String> problems;

    private AgentConfig(Map<String, String> values, Map<String, String> otelOverrides, Map<String, String> otelFromFile,
                        Map<String, String> ruleSettings, List<String> problems) {
        this.values = values;
        this.ruleSettings = ruleSettings;
        this.otelOverrides = otelOverrides;
        this.otelFromFile = otelFromFile;
        this.problems = problems;
    }

    public static AgentConfig load(String agentArgs, Properties systemProperties, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> otel = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("CONNSCOPE_")) {
                raw.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        systemProperties.stringPropertyNames().forEach(k -> {
            if (k.startsWith("connscope.") && !AttachOutcome.isOwnProperty(k)) {
                raw.put(k, systemProperties.getProperty(k));
            }
        });
        parseAgentArgs(agentArgs, raw, otel, problems);
        Map<String, String> otelFromFile = new LinkedHashMap<>();
        String file = raw.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            ConfigFile.read(file, raw, otelFromFile, problems);
        }

        Map<String, String> values = new LinkedHashMap<>();
        for (Setting s : SETTINGS.values()) {
            values.put(s.key, s.defaultValue);
        }
        Map<String, String> rules = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            if (key.startsWith(RULE_PREFIX)) {
                rules.put(key, value);
                return;
            }
            Setting s = SETTINGS.get(key);
            if (s == null) {
                String near = Suggestion.closest(key, SETTINGS.keySet());
                problems.add("unknown setting '" + key + "' ignored" + (near != null ? "; did you mean " + near + "?"
                    : " (known: " + String.join(", ", SETTINGS.keySet()) + ")"));
                return;
            }
            String error = s.kind.check(value.trim());
            if (error != null) {
                problems.add("setting " + key + "='" + value + "' " + error + "; using the default '" + s.defaultValue + "'");
            } else {
                values.put(key, value.trim());
            }
        });
        return new AgentConfig(values, otel, otelFromFile, rules, problems);
    }

    private static void parseAgentArgs(String args, Map<String, String> raw, Map<String, String> otel,
                                       List<String> problems) {
        if (args == null || args.isBlank()) {
            return;
        }
        for (String part : splitAgentArgs(args)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                problems.add("agent argument '" + part + "' is not key=value; ignored");
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.startsWith("otel.")) {
                otel.put(key, value);
            } else if (key.startsWith("connscope.")) {
                raw.put(key, value);
            } else {
                raw.put("connscope." + key, value);
            }
        }
    }

    /**
     * The agent argument string split at its commas. A backslash before a comma makes the comma part
     * of the value ({@code otel.resource.attributes=a=1\,b=2}); before a comma, two backslashes are one
     * backslash and the comma separates. Backslashes anywhere else are kept as they are, so Windows
     * paths need no escaping.
     */
    static List<String> splitAgentArgs(String args) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '\\') {
                int run = i;
                while (run < args.length() && args.charAt(run) == '\\') {
                    run++;
                }
                int backslashes = run - i;
                boolean beforeComma = run < args.length() && args.charAt(run) == ',';
                part.append("\\".repeat(beforeComma ? backslashes / 2 : backslashes));
                if (beforeComma && backslashes % 2 == 1) {
                    part.append(',');
                    run++;
                }
                i = run - 1;
            } else if (c == ',') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    public boolean enabled() {
        return Boolean.parseBoolean(values.get(ENABLED));
    }

    public double exchangeSpansRatio() {
        return Double.parseDouble(values.get(EXCHANGE_SPANS_RATIO));
    }

    public boolean captureQuery() {
        return Boolean.parseBoolean(values.get(CAPTURE_QUERY));
    }

    public boolean trackTelemetry() {
        return Boolean.parseBoolean(values.get(TRACK_TELEMETRY));
    }

    /** Which connections are followed, by destination and by listening port. */
    public FollowRules followRules() {
        return FollowRules.of(values.get(DESTINATIONS_INCLUDE), values.get(DESTINATIONS_EXCLUDE),
            values.get(LISTEN_PORTS_INCLUDE), values.get(LISTEN_PORTS_EXCLUDE));
    }

    public boolean metricsPerDestination() {
        return Boolean.parseBoolean(values.get(METRICS_PER_DESTINATION));
    }

    public boolean reportEnabled() {
        return Boolean.parseBoolean(values.get(REPORT_ENABLED));
    }

    /** The report file, or null for stderr. */
    public Path reportFile() {
        String v = values.get(REPORT_FILE);
        return v.isEmpty() ? null : Paths.get(v);
    }

    public Path reportHtml() {
        String v = values.get(REPORT_HTML);
        return v.isEmpty() ? null : Paths.get(v);
    }

    public int reportConnections() {
        return Integer.parseInt(values.get(REPORT_CONNECTIONS));
    }

    public boolean reportWide() {
        return Boolean.parseBoolean(values.get(REPORT_WIDE));
    }

    public boolean banner() {
        return Boolean.parseBoolean(values.get(BANNER));
    }

    /** The live report's port, or -1 when it is off. */
    public int reportPort() {
        String v = values.get(REPORT_PORT);
        return v.isEmpty() ? -1 : Integer.parseInt(v);
    }

    public int maxConnections() {
        return Integer.parseInt(values.get(MAX_CONNECTIONS));
    }

    public int maxDestinations() {
        return Integer.parseInt(values.get(MAX_DESTINATIONS));
    }

    /** The analysis memory budget in bytes: as set, or derived from the maximum heap {@code maxHeapBytes}. */
    public long maxAnalysisMemory(long maxHeapBytes) {
        String v = values.get(MAX_ANALYSIS_MEMORY);
        if (!v.isEmpty()) {
            return SettingKind.bytes(v);
        }
        return Math.max(1L << 20, Math.min(64L << 20, maxHeapBytes / 16));
    }

    public int exportQueueSize() {
        return Integer.parseInt(values.get(EXPORT_QUEUE_SIZE));
    }

    public long shutdownTimeoutMillis() {
        return Long.parseLong(values.get(SHUTDOWN_TIMEOUT_MS));
    }

    public long resendWindowMillis() {
        return Integer.parseInt(values.get(RESEND_WINDOW_MS));
    }

    public long warningsPerMinute() {
        return Integer.parseInt(values.get(WARNINGS_PER_MINUTE));
    }

    public long snapshotIntervalMillis() {
        return Long.parseLong(values.get(SNAPSHOT_INTERVAL_MS));
    }

    public int snapshotMax() {
        return Integer.parseInt(values.get(SNAPSHOT_MAX));
    }

    /** The {@code connscope.rule.*} settings as given; the rule catalog checks them. */
    public Map<String, String> ruleSettings() {
        return Collections.unmodifiableMap(ruleSettings);
    }

    /** The instrumentation cache directory, or null when the cache is off. */
    public Path instrumentCacheDir() {
        String v = values.get(INSTRUMENT_CACHE);
        if (v.equalsIgnoreCase("off")) {
            return null;
        }
        if (!v.isEmpty()) {
            return Paths.get(v);
        }
        String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
        return Paths.get(System.getProperty("java.io.tmpdir"), "connscope-" + user);
    }

    public int hookMaxFailures() {
        return Integer.parseInt(values.get(HOOK_MAX_FAILURES));
    }

    public boolean debug() {
        return Boolean.parseBoolean(values.get(DEBUG));
    }

    /** {@code otel.*} settings given as agent arguments. */
    public Map<String, String> otelOverrides() {
        return Collections.unmodifiableMap(otelOverrides);
    }

    /** {@code otel.*} settings of {@code connscope.config.file}, below every other source. */
    public Map<String, String> otelFromConfigFile() {
        return Collections.unmodifiableMap(otelFromFile);
    }

    /** One message per bad or unknown setting, in the order found. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Every setting's name, in the order defined. */
    static Set<String> names() {
        return Collections.unmodifiableSet(SETTINGS.keySet());
    }

    private static void define(String key, String defaultValue, SettingKind kind) {
        SETTINGS.put(key, new Setting(key, defaultValue, kind));
    }
}
