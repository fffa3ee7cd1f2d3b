package io.connscope.agent.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Which connections are followed: outbound ones by destination ({@code connscope.destinations.include}
 * and {@code .exclude}), accepted ones by the port they were accepted on
 * ({@code connscope.listen.ports.include} and {@code .exclude}). An empty include list includes
 * everything; an exclude wins over an include. A connection not followed costs nothing past its
 * connect or accept: it gets no record, no analysis and no telemetry.
 */
public final class FollowRules {

    private static final FollowRules ALL = new FollowRules(List.of(), List.of(), List.of(), List.of());

    private final DestinationPattern[] include;
    private final DestinationPattern[] exclude;
    private final PortRange[] listenInclude;
    private final PortRange[] listenExclude;

    private FollowRules(List<DestinationPattern> include, List<DestinationPattern> exclude, List<PortRange> listenInclude,
                        List<PortRange> listenExclude) {
        this.include = include.toArray(new DestinationPattern[0]);
        this.exclude = exclude.toArray(new DestinationPattern[0]);
        this.listenInclude = listenInclude.toArray(new PortRange[0]);
        this.listenExclude = listenExclude.toArray(new PortRange[0]);
    }

    /** Every connection followed. */
    public static FollowRules all() {
        return ALL;
    }

    /** From the four settings' values, already checked by {@link #destinationsProblem} and {@link #portsProblem}. */
    static FollowRules of(String include, String exclude, String listenInclude, String listenExclude) {
        if (include.isBlank() && exclude.isBlank() && listenInclude.isBlank() && listenExclude.isBlank()) {
            return ALL;
        }
        return new FollowRules(parse(include, DestinationPattern::parse), parse(exclude, DestinationPattern::parse),
            parse(listenInclude, PortRange::parse), parse(listenExclude, PortRange::parse));
    }

    /** Why a destinations setting's value is wrong, or null. */
    static String destinationsProblem(String value) {
        return problem(value, DestinationPattern::parse);
    }

    /** Why a listening-ports setting's value is wrong, or null. */
    static String portsProblem(String value) {
        return problem(value, PortRange::parse);
    }

    private static String problem(String value, Function<String, ?> parser) {
        try {
            parse(value, parser);
            return null;
        } catch (IllegalArgumentException e) {
            return "has a bad entry: " + e.getMessage();
        }
    }

    /** Entries are separated by commas or white space. */
    private static <T> List<T> parse(String value, Function<String, T> parser) {
        List<T> out = new ArrayList<>();
        for (String entry : value.split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                out.add(parser.apply(entry));
            }
        }
        return out;
    }

    /** True when no rule is set: the check can be skipped. */
    public boolean followsAll() {
        return this == ALL;
    }

    /** Whether an outbound connection to this destination is followed (see {@link DestinationPattern#matches}). */
    public boolean followsDestination(String host, InetAddress address, int port) {
        for (DestinationPattern p : exclude) {
            if (p.matches(host, address, port)) {
                return false;
            }
        }
        if (include.length == 0) {
            return true;
        }
        for (DestinationPattern p : include) {
            if (p.matches(host, address, port)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a name look-up is followed, as a connection to the name could be: not when an exclude
     * entry covering every port matches the name, nor when such entries cover every address of its
     * answer; otherwise when no include entry is set, or one matches the name or an address.
     */
    public boolean followsName(String host, InetAddress[] addresses) {
        boolean everyAddressExcluded = addresses.length > 0;
        for (InetAddress a : addresses) {
            everyAddressExcluded &= excludedOnEveryPort(a);
        }
        for (DestinationPattern p : exclude) {
            if (p.everyPort() && p.matchesName(host)) {
                return false;
            }
        }
        if (everyAddressExcluded) {
            return false;
        }
        if (include.length == 0) {
            return true;
        }
        for (DestinationPattern p : include) {
            if (p.matchesName(host)) {
                return true;
            }
            for (InetAddress a : addresses) {
                if (p.matchesAddress(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean excludedOnEveryPort(InetAddress a) {
        for (DestinationPattern p : exclude) {
            if (p.everyPort() && p.matchesAddress(a)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a connection accepted on this local port is followed. */
    public boolean followsListeningPort(int port) {
        for (PortRange r : listenExclude) {
            if (r.contains(port)) {
                return false;
            }
        }
        if (listenInclude.length == 0) {
            return true;
        }
        for (PortRange r : listenInclude) {
            if (r.contains(port)) {
                return true;
            }
        }
        return false;
    }

    /** The rules in a few words, for the start-up line; null when every connection is followed. */
    public String describe() {
        if (followsAll()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        add(parts, "destinations ", include, exclude);
        add(parts, "listening ports ", listenInclude, listenExclude);
        return String.join("; ", parts);
    }

    private static void add(List<String> parts, String what, Object[] include, Object[] exclude) {
        if (include.length > 0 && exclude.length > 0) {
            parts.add(what + "in " + join(include) + " but not in " + join(exclude));
        } else if (include.length > 0) {
            parts.add(what + "in " + join(include));
        } else if (exclude.length > 0) {
            parts.add(what + "not in " + join(exclude));
        }
    }

    private static String join(Object[] entries) {
        StringBuilder b = new StringBuilder();
        for (Object e : entries) {
            b.append(b.length() == 0 ? "" : " ").append(e);
        }
        return b.toString();
    }
}
