package io.connscope.agent.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.connscope.agent.connection.Destination;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.diagnose.WarningLog;
import io.connscope.agent.text.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The self-contained HTML report: one file, no external scripts, fonts or styles. The page
 * (report.html, a resource) draws the waterfall, the destination table and the warnings from a
 * JSON block this class writes into it; every string reaches the page through the DOM's
 * textContent, never as markup.
 */
public final class HtmlReport {

    private static final String PLACEHOLDER = "/*DATA*/";
    /** The HTML report's size bound, in bytes. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Room kept for the notes that close the data; each note is cut to {@link #MAX_NOTE} characters. */
    private static final int NOTES_ROOM = 48 * 1024;
    /** Room kept for the last note and the closing brackets. */
    private static final int TAIL_ROOM = 512;
    private static final int MAX_NOTE = 1000;
    /** Non-ASCII characters are written as JSON escapes, so the data's length in characters is its size in bytes. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build()
        .setCharacterEscapes(new ScriptSafe());

    private HtmlReport() {
    }

    public static String render(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes,
                                Timeline timeline) {
        String page = template();
        int at = page.indexOf(PLACEHOLDER);
        int budget = MAX_BYTES - page.getBytes(StandardCharsets.UTF_8).length + PLACEHOLDER.length();
        return page.substring(0, at) + data(destinations, warnings, notes, timeline, budget)
            + page.substring(at + PLACEHOLDER.length());
    }

    /**
     * The page's data, at most {@code budget} bytes. Each part is written element by element while
     * the data stays within that part's share: the destinations up to 40 % of the budget, the
     * warnings up to 65 %, the waterfall's connections, oldest first, up to the room kept for the
     * notes, then the notes; what does not fit is counted, and said in the first notes.
     */
    private static String data(Destinations destinations, List<WarningLog.Group> warnings, List<String> notes,
                               Timeline timeline, int budget) {
        List<Timeline.Connection> connections = timeline.connections();
        connections.sort(Comparator.comparingLong((Timeline.Connection c) -> c.open).thenComparingLong(c -> c.id));
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
            g.writeNumberField("spanMs", connections.isEmpty() ? 0 : ms(last, origin));
            g.writeArrayFieldStart("columns");
            for (String column : ConnectionReport.COLUMNS) {
                g.writeString(column);
            }
            g.writeEndArray();
            Map<String, Long> counts = ConnectionReport.warningCounts(warnings);
            g.writeArrayFieldStart("destinations");
            int destinationsLeftOut = 0;
            for (Destination d : ConnectionReport.sorted(destinations)) {
                destinationsLeftOut += room.add(budget * 2 / 5, j -> strings(j, ConnectionReport.cells(d, counts))) ? 0 : 1;
            }
            g.writeEndArray();
            g.writeArrayFieldStart("warnings");
            int warningsLeftOut = 0;
            for (WarningLog.Group w : warnings) {
                warningsLeftOut += room.add(budget * 13 / 20, j -> warning(j, w)) ? 0 : 1;
            }
            g.writeEndArray();
            g.writeArrayFieldStart("connections");
            int drawnExchanges = 0;
            long notDrawn = timeline.omittedConnections();
            long exchangesNotDrawn = timeline.omittedExchanges();
            for (Timeline.Connection c : connections) {
                if (room.add(budget - NOTES_ROOM, j -> connection(j, c, start))) {
                    drawnExchanges += c.exchanges.size();
                } else {
                    notDrawn++;
                    exchangesNotDrawn += c.exchanges.size();
                }
            }
            g.writeEndArray();
            g.writeNumberField("omittedConnections", notDrawn);
            g.writeArrayFieldStart("notes");
            String bound = "within the report's size bound of " + MAX_BYTES / 1024 + " KiB";
            if (destinationsLeftOut + warningsLeftOut > 0) {
                g.writeString(destinationsLeftOut + " destination row(s) and " + warningsLeftOut
                    + " warning group(s) are not listed here, " + bound + "; the text report lists them");
            }
            if (exchangesNotDrawn > 0) {
                g.writeString(exchangesNotDrawn + " exchange(s) are not drawn in the waterfall: it draws at most "
                    + Timeline.MAX_EXCHANGES_PER_CONNECTION + " per connection and " + Timeline.MAX_EXCHANGES + " in all ("
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

    /** One element of the data, written to a generator. */
    private interface Element {
        void write(JsonGenerator g) throws IOException;
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
            StringWriter one = new StringWriter();
            try (JsonGenerator j = JSON.createGenerator(one)) {
                element.write(j);
            }
            g.flush();
            if (out.getBuffer().length() + one.getBuffer().length() + 1 > limit) {
                return false;
            }
            g.writeRawValue(one.toString());
            return true;
        }
    }

    private static void warning(JsonGenerator g, WarningLog.Group w) throws IOException {
        g.writeStartObject();
        g.writeStringField("severity", w.severity.name());
        g.writeStringField("rule", w.rule);
        g.writeStringField("destination", w.destination);
        g.writeNumberField("count", w.count());
        g.writeNumberField("suppressed", w.suppressed());
        g.writeStringField("evidence", w.firstEvidence);
        g.writeStringField("advice", w.advice);
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void connection(JsonGenerator g, Timeline.Connection c, long origin) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", c.id);
        g.writeStringField("role", c.role);
        g.writeStringField("destination", c.destination);
        g.writeStringField("api", c.api);
        g.writeNumberField("open", ms(c.open, origin));
        time(g, "connectEnd", c.connectEnd, origin);
        time(g, "tlsStart", c.tlsStart, origin);
        time(g, "tlsEnd", c.tlsEnd, origin);
        g.writeNumberField("end", ms(c.end, origin));
        time(g, "lastActivity", c.lastActivity, origin);
        g.writeStringField("classification", c.classification);
        g.writeStringField("sequence", c.sequence);
        g.writeNumberField("bytesSent", c.bytesSent);
        g.writeNumberField("bytesReceived", c.bytesReceived);
        strings(g, "warnings", c.warnings);
        g.writeArrayFieldStart("exchanges");
        for (Timeline.Exchange x : c.exchanges) {
            g.writeStartObject();
            g.writeNumberField("index", x.index);
            g.writeStringField("protocol", x.protocol);
            g.writeStringField("method", x.method == null ? "?" : x.method);
            g.writeStringField("path", x.path == null ? "" : x.path);
            g.writeNumberField("status", x.status);
            time(g, "start", x.start, origin);
            time(g, "requestEnd", x.requestEnd, origin);
            time(g, "responseStart", x.responseStart, origin);
            time(g, "responseEnd", x.responseEnd, origin);
            g.writeStringField("failure", x.failure);
            strings(g, "warnings", x.warnings);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeFieldName(name);
        strings(g, values);
    }

    /** A phase boundary in ms from the first connection's open, or null when the phase did not happen. */
    private static void time(JsonGenerator g, String name, long nanos, long origin) throws IOException {
        if (nanos == 0L) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, ms(nanos, origin));
        }
    }

    private static double ms(long nanos, long origin) {
        return Math.max(0, nanos - origin) / 1e6;
    }

    private static String template() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("report.html missing from the agent jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
