package io.connscope.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The semantic-conventions registry data kept in src/test/resources/semconv (see that file's header
 * for its source and version): attributes with their types and stability, and the HTTP metrics and
 * spans with the attributes each requires and allows.
 */
public final class SemconvRegistry {

    public static final String RESOURCE = "/semconv/registry-1.37.0.tsv";

    /** An attribute: its type as OpenTelemetry's AttributeType names it, lower case, and its stability. */
    public static final class Attribute {
        public final String type;
        public final String stability;

        Attribute(String type, String stability) {
            this.type = type;
            this.stability = stability;
        }
    }

    /** A metric or a span group: what it is (instrument or span kind), its unit, and its attributes. */
    public static final class Signal {
        public final String kind;
        public final String unit;
        public final String stability;
        public final List<String> required;
        public final List<String> allowed;
        /** The advised histogram buckets, or empty. */
        public final List<Double> buckets;

        Signal(String kind, String unit, String stability, List<String> required, List<String> others, List<Double> buckets) {
            this.kind = kind;
            this.unit = unit;
            this.stability = stability;
            this.required = required;
            this.allowed = new java.util.ArrayList<>(required);
            this.allowed.addAll(others);
            this.buckets = buckets;
        }
    }

    public final Map<String, Attribute> attributes = new LinkedHashMap<>();
    public final Map<String, Signal> metrics = new LinkedHashMap<>();
    public final Map<String, Signal> spans = new LinkedHashMap<>();

    private SemconvRegistry() {
    }

    public static SemconvRegistry load() throws IOException {
        SemconvRegistry r = new SemconvRegistry();
        try (InputStream in = SemconvRegistry.class.getResourceAsStream(RESOURCE)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                switch (f[0]) {
                    case "attribute":
                        r.attributes.put(f[1], new Attribute(f[2], f[3]));
                        break;
                    case "metric":
                        r.metrics.put(f[1], new Signal(f[2], f[3], f[4], list(f[5]), list(f[6]),
                            f[7].equals("-") ? List.of() : Arrays.stream(f[7].split(",")).map(Double::valueOf)
                                .collect(java.util.stream.Collectors.toList())));
                        break;
                    case "span":
                        r.spans.put(f[1], new Signal(f[2], null, f[3], list(f[4]), list(f[5]), List.of()));
                        break;
                    default:
                        throw new IllegalStateException("unknown row kind in " + RESOURCE + ": " + line);
                }
            }
        }
        return r;
    }

    private static List<String> list(String csv) {
        return Arrays.asList(csv.split(","));
    }
}
