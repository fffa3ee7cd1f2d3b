package io.connscope.it.support;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Queries over received spans. */
public final class Spans {

    private final List<SpanView> all;

    public Spans(List<SpanView> all) {
        this.all = all;
    }

    public List<SpanView> all() {
        return all;
    }

    public List<SpanView> where(Predicate<SpanView> p) {
        return all.stream().filter(p).collect(Collectors.toList());
    }

    /** connscope connection spans of a role whose server.port (peer or listening port) is the given one. */
    public List<SpanView> connections(String role, int port) {
        return where(s -> s.name().startsWith("connection ") && role.equals(s.str("connscope.connection.role"))
            && Objects.equals(s.num("server.port"), (long) port));
    }

    /** The one connection span of a role at the port; fails when there is not exactly one. */
    public SpanView connection(String role, int port) {
        List<SpanView> c = connections(role, port);
        if (c.size() != 1) {
            throw new AssertionError("expected one " + role + " connection at port " + port + ", got " + c);
        }
        return c.get(0);
    }

    /** The spans sorted by start time, in place. */
    public static List<SpanView> byStart(List<SpanView> spans) {
        spans.sort(Comparator.comparingLong((SpanView s) -> s.span.getStartTimeUnixNano()));
        return spans;
    }

    /** connscope exchange spans (CLIENT or SERVER) for a role and server.port. */
    public List<SpanView> exchanges(String role, int port) {
        String kind = role.equals("client") ? "SPAN_KIND_CLIENT" : "SPAN_KIND_SERVER";
        return where(s -> s.scope.equals("io.connscope") && s.span.getKind().name().equals(kind) && s.has("http.request.method")
            && Objects.equals(s.num("server.port"), (long) port));
    }

    public List<SpanView> childrenOf(SpanView parent) {
        return where(s -> s.isChildOf(parent));
    }

    public SpanView child(SpanView parent, String namePrefix) {
        List<SpanView> c = where(s -> s.isChildOf(parent) && s.name().startsWith(namePrefix));
        if (c.size() != 1) {
            throw new AssertionError("expected one '" + namePrefix + "' child of " + parent + ", got " + c);
        }
        return c.get(0);
    }

    @Override
    public String toString() {
        return all.stream().map(SpanView::toString).collect(Collectors.joining("\n"));
    }
}
