package io.connscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.it.support.Await;
import io.connscope.it.support.ChildJvm;
import io.connscope.it.support.LogView;
import io.connscope.it.support.OtlpReceiver;
import io.connscope.it.support.SemconvRegistry;
import io.connscope.it.support.SpanView;
import io.connscope.testsupport.Jvm;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every name connscope exports as a semantic convention (every name outside {@code connscope.*}) is
 * the registry's: its attributes exist there with the same type and are not deprecated; its HTTP
 * metrics have the registry's instrument, unit, advised buckets and attributes (the required ones
 * present, no others); its HTTP spans have the required attributes and the conventions' names.
 * Checked on the real OTLP output of the whole demo, against the registry data kept in
 * src/test/resources/semconv, which is itself checked against the conventions' own generated
 * constants.
 */
class SemconvConformanceIT {

    private static final String CONNSCOPE = "connscope.";

    @Test
    void theRegistryDataIsTheConventionsOwn() throws Exception {
        Map<String, String> fromJars = new TreeMap<>();
        for (Class<?> anchor : new Class<?>[] {io.opentelemetry.semconv.HttpAttributes.class,
            io.opentelemetry.semconv.incubating.HttpIncubatingAttributes.class}) {
            URL jar = anchor.getProtectionDomain().getCodeSource().getLocation();
            boolean stable = !jar.getPath().contains("incubating");
            try (JarFile file = new JarFile(jar.getPath())) {
                for (String name : Collections.list(file.entries()).stream().map(e -> e.getName())
                    .filter(n -> n.endsWith("Attributes.class")).collect(Collectors.toList())) {
                    Class<?> c = Class.forName(name.replace('/', '.').replace(".class", ""));
                    for (Field f : c.getFields()) {
                        if (Modifier.isStatic(f.getModifiers()) && AttributeKey.class.isAssignableFrom(f.getType())) {
                            AttributeKey<?> k = (AttributeKey<?>) f.get(null);
                            String stability = f.isAnnotationPresent(Deprecated.class) ? "deprecated"
                                : stable ? "stable" : "development";
                            // The incubating classes repeat stable attributes, deprecated: the stable jar's word wins.
                            String before = fromJars.get(k.getKey());
                            if (before == null || stable || before.endsWith(" deprecated") && !stability.equals("deprecated")) {
                                fromJars.put(k.getKey(), k.getType().name().toLowerCase(Locale.ROOT) + " " + stability);
                            }
                        }
                    }
                }
            }
        }
        Map<String, String> kept = new TreeMap<>();
        SemconvRegistry.load().attributes.forEach((name, a) -> kept.put(name, a.type + " " + a.stability));
        assertThat(kept).hasSize(748).isEqualTo(fromJars);
    }

    @Test
    void everyStandardNameConnscopeExportsIsTheRegistrys() throws Exception {
        SemconvRegistry registry = SemconvRegistry.load();
        List<String> problems = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        try (OtlpReceiver otlp = OtlpReceiver.start()) {
            ChildJvm.on(Jvm.JDK17).exportingTo(otlp).demo().assertSuccess();
            Await.until("connscope's metrics", 30, () -> !otlp.metricsOfScope("io.connscope").isEmpty());

            for (SpanView s : otlp.spans().all()) {
                attributes("span '" + s.name() + "'", s.span.getAttributesList(), registry, problems, checked);
                attributes("resource", s.resource.getAttributesList(), registry, problems, checked);
                httpSpan(s, registry, problems, checked);
            }
            for (LogView l : otlp.logs()) {
                attributes("log record", l.log.getAttributesList(), registry, problems, checked);
            }
            for (Metric m : otlp.metricsOfScope("io.connscope")) {
                for (KeyValue kv : pointAttributes(m)) {
                    attributes("metric " + m.getName(), List.of(kv), registry, problems, checked);
                }
                if (!m.getName().startsWith(CONNSCOPE)) {
                    metric(m, registry, problems);
                    checked.add("metric " + m.getName());
                }
            }
        }
        System.out.println("SemconvConformanceIT: checked " + checked.size() + " standard names: " + checked);
        assertThat(problems.stream().distinct().collect(Collectors.toList())).isEmpty();
        // The run had every kind of name to check: HTTP spans of both kinds, the four HTTP metrics, TLS and RPC.
        assertThat(checked).contains("metric http.client.request.duration", "metric http.server.request.duration",
            "metric http.client.connection.duration", "metric http.client.open_connections", "span http.client",
            "span http.server", "span rpc", "attribute url.full", "attribute user_agent.original", "attribute tls.protocol.version",
            "attribute rpc.grpc.status_code", "attribute service.instance.id", "attribute telemetry.distro.name");
    }

    private static void attributes(String where, List<KeyValue> attributes, SemconvRegistry registry, List<String> problems,
                                   Set<String> checked) {
        for (KeyValue kv : attributes) {
            String name = kv.getKey();
            if (name.startsWith(CONNSCOPE)) {
                continue;
            }
            checked.add("attribute " + name);
            SemconvRegistry.Attribute a = registry.attributes.get(name);
            if (a == null) {
                problems.add(where + ": " + name + " is not in the registry");
            } else if (a.stability.equals("deprecated")) {
                problems.add(where + ": " + name + " is deprecated");
            } else if (!a.type.equals(typeOf(kv.getValue()))) {
                problems.add(where + ": " + name + " is a " + typeOf(kv.getValue()) + ", the registry's is a " + a.type);
            }
        }
    }

    private static String typeOf(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE:
                return "string";
            case INT_VALUE:
                return "long";
            case BOOL_VALUE:
                return "boolean";
            case DOUBLE_VALUE:
                return "double";
            case ARRAY_VALUE:
                return v.getArrayValue().getValuesCount() == 0 ? "array"
                    : typeOf(v.getArrayValue().getValues(0)) + "_array";
            default:
                return v.getValueCase().name();
        }
    }

    /**
     * An HTTP exchange's span: the group its kind names, its required attributes, and a name of the
     * conventions. A gRPC call's span is an RPC span, named {@code {rpc.service}/{rpc.method}} as the RPC
     * conventions ask, though it carries its HTTP/2 request's attributes too.
     */
    private static void httpSpan(SpanView s, SemconvRegistry registry, List<String> problems, Set<String> checked) {
        if (s.has("rpc.system")) {
            checked.add("span rpc");
            if (!s.name().equals(s.str("rpc.service") + "/" + s.str("rpc.method"))) {
                problems.add("RPC span named '" + s.name() + "' for " + s.str("rpc.service") + "/" + s.str("rpc.method"));
            }
            return;
        }
        if (!s.has("http.request.method")) {
            return;
        }
        String group = s.span.getKind().name().equals("SPAN_KIND_CLIENT") ? "http.client" : "http.server";
        SemconvRegistry.Signal spec = registry.spans.get(group);
        checked.add("span " + group);
        for (String required : spec.required) {
            if (!s.has(required)) {
                problems.add("span " + group + " '" + s.name() + "' lacks the required " + required);
            }
        }
        String method = s.str("http.request.method");
        // {method} {target}, with a low-cardinality target only (connscope knows no route): the method alone,
        // or HTTP for a method the conventions do not know.
        if (!s.name().equals(method.equals("_OTHER") ? "HTTP" : method)) {
            problems.add("span " + group + " named '" + s.name() + "' for method " + method);
        }
    }

    private static void metric(Metric m, SemconvRegistry registry, List<String> problems) {
        SemconvRegistry.Signal spec = registry.metrics.get(m.getName());
        String name = "metric " + m.getName();
        if (spec == null) {
            problems.add(name + " is not in the registry");
            return;
        }
        String instrument = m.hasHistogram() ? "histogram" : m.hasGauge() ? "gauge"
            : m.getSum().getIsMonotonic() ? "counter" : "updowncounter";
        if (!instrument.equals(spec.kind)) {
            problems.add(name + " is a " + instrument + ", the registry's a " + spec.kind);
        }
        if (!m.getUnit().equals(spec.unit)) {
            problems.add(name + " is in " + m.getUnit() + ", the registry's in " + spec.unit);
        }
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
            if (!p.getExplicitBoundsList().equals(spec.buckets)) {
                problems.add(name + " has buckets " + p.getExplicitBoundsList() + ", advised " + spec.buckets);
            }
        }
        for (List<KeyValue> point : points(m)) {
            Set<String> keys = point.stream().map(KeyValue::getKey).collect(Collectors.toCollection(TreeSet::new));
            for (String required : spec.required) {
                if (!keys.contains(required)) {
                    problems.add(name + " lacks the required " + required + " on " + keys);
                }
            }
            for (String key : keys) {
                if (!spec.allowed.contains(key)) {
                    problems.add(name + " carries " + key + ", which the conventions do not give it");
                }
            }
        }
    }

    private static List<List<KeyValue>> points(Metric m) {
        List<List<KeyValue>> out = new ArrayList<>();
        m.getHistogram().getDataPointsList().forEach(p -> out.add(p.getAttributesList()));
        for (List<NumberDataPoint> points : List.of(m.getSum().getDataPointsList(), m.getGauge().getDataPointsList())) {
            points.forEach(p -> out.add(p.getAttributesList()));
        }
        return out;
    }

    private static List<KeyValue> pointAttributes(Metric m) {
        return points(m).stream().flatMap(List::stream).collect(Collectors.toList());
    }
}
