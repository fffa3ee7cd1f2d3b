package io.connscope.agent.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.connscope.agent.config.AgentConfig;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.diagnose.Impact;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.text.SafeText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports' data as JSON, for the HTML report (written into its page), the live view and its
 * {@code /api/report.json}. Connections and exchanges are positional arrays whose repeated strings
 * (roles, destinations, APIs, classifications, rules, methods) are indexes into one {@code strings}
 * table: 20,000 connections then take about 3 MB, which a browser parses in tens of milliseconds.
 * The layouts are {@link #CONNECTION_FIELDS} and {@link #EXCHANGE_FIELDS}, written into the data so
 * that a script can read it without this class. Times are milliseconds from the first connection's
 * open, to the microsecond, null when the phase did not happen.
 *
 * <p>Bounded: each part is written element by element while the data stays within that part's share
 * of the budget (the destinations 20 %, the warnings 35 %); the connections fill the rest but for
 * the notes' room, those with a warning first, then the most recent; what does not fit is counted and
 * said in the notes. Every string reaches the page as JSON, escaped so that it cannot end the script
 * element it is written into.
 */
final class ReportData {

    static final List<String> CONNECTION_FIELDS = List.of("id", "role", "destination", "api", "open", "connectEnd",
        "tlsStart", "tlsEnd", "end", "lastActivity", "classification", "sequence", "bytesSent", "bytesReceived",
        "warnings", "exchanges");
    static final List<String> EXCHANGE_FIELDS = List.of("index", "protocol", "method", "path", "status", "start",
        "requestEnd", "responseStart", "responseEnd", "failure", "warnings");
    /** Room kept for the notes that close the data; each note is cut to {@link #MAX_NOTE} characters. */
    private static final int NOTES_ROOM = 48 * 1024;
    /** Room kept for the last note and the closing brackets. */
    private static final int TAIL_ROOM = 512;
    private static final int MAX_NOTE = 1000;
    /** Non-ASCII characters are written as JSON escapes, so the data's length in characters is its size in bytes. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build()
        .setCharacterEscapes(new ScriptSafe());

    private ReportData() {
    }

    /** The data, at most {@code budget} bytes; {@code live} marks the live view's, which refreshes itself. */
    static String json(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes, Timeline timeline,
                       int budget, boolean live) {
        List<Timeline.Connection> connections = timeline.connections();
        long origin = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Timeline.Connection c : connections) {
            origin = Math.min(origin, c.open);
            last = Math.max(last, c.end);
        }
        long start = origin;
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            Room room = new Room(g, out);
            g.writeStartObject();
            g.writeBooleanField("live", live);
            g.writeNumberField("spanMs", connections.isEmpty() ? 0 : ms(last, origin));
            strings(g, "connectionFields", CONNECTION_FIELDS);
            strings(g, "exchangeFields", EXCHANGE_FIELDS);
            strings(g, "columns", ConnectionReport.COLUMNS);
            Map<String, Long> counts = ConnectionReport.warningCounts(warnings);
            g.writeArrayFieldStart("destinations");
            int destinationsLeftOut = 0;
            for (Destination d : ConnectionReport.sorted(destinations)) {
                destinationsLeftOut += room.add(budget / 5, j -> {
                    j.writeStartObject();
                    j.writeStringField("role", d.role.label());
                    j.writeStringField("key", d.key);
                    strings(j, "cells", ConnectionReport.cells(d, counts));
                    j.writeEndObject();
                }) ? 0 : 1;
            }
            g.writeEndArray();
            g.writeArrayFieldStart("warnings");
            int warningsLeftOut = 0;
            for (WarningLog.Group w : TextWarnings.ordered(warnings)) {
                warningsLeftOut += room.add(budget * 11 / 20, j -> warning(j, w)) ? 0 : 1;
            }
            g.writeEndArray();
            Strings table = new Strings();
            long notDrawn = timeline.omittedConnections();
            long exchangesNotDrawn = timeline.omittedExchanges();
            int drawnExchanges = 0;
            List<String> drawn = new ArrayList<>();
            List<Timeline.Connection> kept = new ArrayList<>();
            int used = out.getBuffer().length() + 64;
            for (Timeline.Connection c : byPriority(connections)) {
                String one = element(j -> connection(j, c, start, table));
                if (used + one.length() + table.growth() + 1 > budget - NOTES_ROOM) {
                    table.rollBack();
                    notDrawn++;
                    exchangesNotDrawn += c.exchanges.size();
                    continue;
                }
                table.commit();
                used += one.length() + 1;
                drawn.add(one);
                kept.add(c);
                drawnExchanges += c.exchanges.size();
            }
            strings(g, "strings", table.values);
            g.writeArrayFieldStart("connections");
            Integer[] order = new Integer[kept.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong((Integer i) -> kept.get(i).open)
                .thenComparingLong(i -> kept.get(i).id));
            for (Integer i : order) {
                g.writeRawValue(drawn.get(i));
            }
            g.writeEndArray();
            g.writeNumberField("omittedConnections", notDrawn);
            g.writeArrayFieldStart("notes");
            String bound = "within the report's size bound of " + budget / 1024 + " KiB";
            if (destinationsLeftOut + warningsLeftOut > 0) {
                g.writeString(destinationsLeftOut + " destination row(s) and " + warningsLeftOut
                    + " warning group(s) are not listed here, " + bound + "; the text report lists them");
            }
            if (notDrawn > 0) {
                g.writeString(notDrawn + " connection(s) are counted in the tables but not drawn: the panel keeps the latest"
                    + " connections and those with a warning, " + timeline.capacity() + " at most ("
                    + AgentConfig.REPORT_CONNECTIONS + "), " + bound);
            }
            if (exchangesNotDrawn > 0) {
                g.writeString(exchangesNotDrawn + " exchange(s) are not drawn: the panel keeps at most "
                    + Timeline.MAX_EXCHANGES_PER_CONNECTION + " per connection and as many in all as connections ("
                    + drawnExchanges + " here), " + bound);
            }
            int notesLeftOut = 0;
            for (String n : notes) {
                notesLeftOut += room.add(budget - TAIL_ROOM, j -> j.writeString(SafeText.of(n, MAX_NOTE))) ? 0 : 1;
            }
            if (notesLeftOut > 0) {
                g.writeString(notesLeftOut + " more note(s) are in the text report, " + bound);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Connections with a warning first, then the most recent: what the panel keeps when the budget is short. */
    private static List<Timeline.Connection> byPriority(List<Timeline.Connection> connections) {
        List<Timeline.Connection> out = new ArrayList<>(connections);
        out.sort(Comparator.comparing((Timeline.Connection c) -> c.warned ? 0 : 1)
            .thenComparingLong(c -> -c.open).thenComparingLong(c -> -c.id));
        return out;
    }

    /** One element of the data, written to a generator. */
    private interface Element {
        void write(JsonGenerator g) throws IOException;
    }

    private static String element(Element element) throws IOException {
        StringWriter one = new StringWriter();
        try (JsonGenerator j = JSON.createGenerator(one)) {
            element.write(j);
        }
        return one.toString();
    }

    /** Writes elements into the array being written while the data stays within a limit. */
    private static final class Room {
        private final JsonGenerator g;
        private final StringWriter out;

        Room(JsonGenerator g, StringWriter out) {
            this.g = g;
            this.out = out;
        }

        /** Writes the element if the data stays within {@code limit} bytes with it; false (and nothing written) otherwise. */
        boolean add(int limit, Element element) throws IOException {
            String one = element(element);
            g.flush();
            if (out.getBuffer().length() + one.length() + 1 > limit) {
                return false;
            }
            g.writeRawValue(one);
            return true;
        }
    }

    /**
     * The table of repeated strings. A connection's new strings are provisional until it is known to
     * fit ({@link #commit()}), so a connection left out leaves none behind ({@link #rollBack()}).
     */
    private static final class Strings {
        final List<String> values = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();
        private int committed;
        private int committedBytes;
        private int bytes;

        int of(String s) {
            String v = s == null ? "" : s;
            Integer i = index.get(v);
            if (i == null) {
                i = values.size();
                values.add(v);
                index.put(v, i);
                bytes += v.length() * 6 + 3; // at worst every character escaped, the quotes and the comma
            }
            return i;
        }

        /** Bytes the table grew by since the last commit, at most. */
        int growth() {
            return bytes - committedBytes;
        }

        void commit() {
            committed = values.size();
            committedBytes = bytes;
        }

        void rollBack() {
            while (values.size() > committed) {
                index.remove(values.remove(values.size() - 1));
            }
            bytes = committedBytes;
        }
    }

    private static void warning(JsonGenerator g, WarningLog.Group w) throws IOException {
        g.writeStartObject();
        g.writeStringField("severity", w.severity.name());
        g.writeStringField("rule", w.rule);
        g.writeStringField("impact", Impact.of(w.rule).label());
        g.writeStringField("destination", w.destination);
        g.writeNumberField("count", w.count());
        g.writeNumberField("suppressed", w.suppressed());
        g.writeStringField("evidence", w.firstEvidence);
        g.writeStringField("advice", w.advice);
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeFieldName(name);
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** A connection in {@link #CONNECTION_FIELDS} order. */
    private static void connection(JsonGenerator g, Timeline.Connection c, long origin, Strings table) throws IOException {
        g.writeStartArray();
        g.writeNumber(c.id);
        g.writeNumber(table.of(c.role));
        g.writeNumber(table.of(c.destination));
        g.writeNumber(table.of(c.api));
        time(g, c.open, origin);
        time(g, c.connectEnd, origin);
        time(g, c.tlsStart, origin);
        time(g, c.tlsEnd, origin);
        time(g, c.end, origin);
        time(g, c.lastActivity, origin);
        g.writeNumber(table.of(c.classification));
        g.writeNumber(table.of(c.sequence));
        g.writeNumber(c.bytesSent);
        g.writeNumber(c.bytesReceived);
        indexes(g, c.warnings, table);
        g.writeStartArray();
        for (Timeline.Exchange x : c.exchanges) {
            g.writeStartArray();
            g.writeNumber(x.index);
            g.writeNumber(table.of(x.protocol));
            g.writeNumber(table.of(x.method == null ? "?" : x.method));
            g.writeString(x.path == null ? "" : x.path);
            g.writeNumber(x.status);
            time(g, x.start, origin);
            time(g, x.requestEnd, origin);
            time(g, x.responseStart, origin);
            time(g, x.responseEnd, origin);
            if (x.failure == null) {
                g.writeNull();
            } else {
                g.writeNumber(table.of(x.failure));
            }
            indexes(g, x.warnings, table);
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndArray();
    }

    private static void indexes(JsonGenerator g, List<String> values, Strings table) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeNumber(table.of(v));
        }
        g.writeEndArray();
    }

    /** A phase boundary in ms from the first connection's open, to the microsecond; null when it did not happen. */
    private static void time(JsonGenerator g, long nanos, long origin) throws IOException {
        if (nanos == 0L) {
            g.writeNull();
        } else {
            g.writeNumber(ms(nanos, origin));
        }
    }

    private static double ms(long nanos, long origin) {
        return Math.round(Math.max(0, nanos - origin) / 1e3) / 1e3;
    }

    /** Escapes '<', '>' and '&' in JSON strings, so no value can close the script element it sits in. */
    private static final class ScriptSafe extends CharacterEscapes {
        private final int[] escapes = standardAsciiEscapesForJSON();

        ScriptSafe() {
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
