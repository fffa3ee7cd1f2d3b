package io.connscope.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a Prometheus text-format endpoint: its samples and its TYPE lines. */
public final class PromScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A sample: metric name, labels, value. */
    public static final class Sample {
        public final String name;
        public final Map<String, String> labels;
        public final double value;

        Sample(String name, Map<String, String> labels, double value) {
            this.name = name;
            this.labels = labels;
            this.value = value;
        }

        @Override
        public String toString() {
            return name + labels + " " + value;
        }
    }

    public final String contentType;
    public final List<Sample> samples = new ArrayList<>();
    /** Family name to its TYPE (counter, gauge, histogram, …). */
    public final Map<String, String> types = new TreeMap<>();

    private PromScrape(String text, String contentType) {
        this.contentType = contentType;
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    throw new IllegalStateException("not a Prometheus sample line: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
        }
    }

    public static PromScrape of(int port) throws IOException, InterruptedException {
        return of(port, "text/plain");
    }

    /** A scrape asking for the given format, as Prometheus does with its Accept header. */
    public static PromScrape of(int port, String accept) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .header("Accept", accept).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("scrape answered " + r.statusCode());
        }
        return new PromScrape(r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    /** A scrape, or null while the endpoint does not accept connections yet. */
    public static PromScrape tryOf(int port) throws IOException, InterruptedException {
        try {
            return of(port);
        } catch (java.net.ConnectException e) {
            return null;
        }
    }

    /** The sum of the samples of this name whose labels include all the given ones. */
    public double sum(String name, Map<String, String> labels) {
        double sum = 0;
        for (Sample s : select(name, labels)) {
            sum += s.value;
        }
        return sum;
    }

    public List<Sample> select(String name, Map<String, String> labels) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet())) {
                out.add(s);
            }
        }
        return out;
    }
}
