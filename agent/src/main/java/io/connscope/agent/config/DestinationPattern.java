package io.connscope.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * One entry of {@code connscope.destinations.include} or {@code .exclude}: a host glob or an address
 * block, with an optional port or port range.
 * <ul>
 *   <li>{@code api.example.com}, {@code *.internal}, {@code db-?.example.com}: a name, as the
 *       application connected to it ({@code *} any characters, dots too; {@code ?} one), or the
 *       address it reached;</li>
 *   <li>{@code 10.0.0.0/8}, {@code fd00::/8}: an address block (CIDR);</li>
 *   <li>{@code 127.0.0.1}, {@code ::1}: one address;</li>
 *   <li>any of them with {@code :port} or {@code :low-high} ({@code [fd00::/8]:443} for IPv6), or
 *       {@code *:5432} for a port on any host.</li>
 * </ul>
 * Nothing is resolved: matching compares the name the application used and the address the
 * connection reached, so a name pattern never costs a DNS query.
 */
final class DestinationPattern {

    private final String glob;
    private final byte[] network;
    private final int prefixBits;
    private final PortRange ports;
    private final String text;

    private DestinationPattern(String glob, byte[] network, int prefixBits, PortRange ports, String text) {
        this.glob = glob;
        this.network = network;
        this.prefixBits = prefixBits;
        this.ports = ports;
        this.text = text;
    }

    /** Parses one entry; throws IllegalArgumentException saying what is wrong with it. */
    static DestinationPattern parse(String entry) {
        String t = entry.trim();
        String host;
        String ports = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + t + "' opens '[' without closing it");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + t + "' has '" + rest + "' after ']' (expected :port)");
                }
                ports = rest.substring(1);
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            ports = t.substring(t.indexOf(':') + 1);
        } else {
            host = t; // a name, an IPv4 address or block, or an IPv6 one without a port
        }
        PortRange range = ports == null ? PortRange.ANY : PortRange.parse(ports);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + t + "' names no host (use *:port for a port on any host)");
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            byte[] network = literal(host.substring(0, slash));
            if (network == null) {
                throw new IllegalArgumentException("'" + host + "' is not an address block: '" + host.substring(0, slash)
                    + "' is not an IP address");
            }
            int bits = prefix(host.substring(slash + 1), network.length * 8, host);
            return new DestinationPattern(null, network, bits, range, t);
        }
        byte[] address = host.indexOf(':') >= 0 ? literal(host) : null;
        if (address != null) {
            return new DestinationPattern(null, address, address.length * 8, range, t);
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '*' || c == '?')) {
                throw new IllegalArgumentException("'" + host + "' is not a host name, glob or address block");
            }
        }
        byte[] v4 = ipv4(host);
        return v4 != null ? new DestinationPattern(null, v4, 32, range, t)
            : new DestinationPattern(host.toLowerCase(Locale.ROOT), null, 0, range, t);
    }

    /**
     * Whether a connection to {@code port} matches: by the name the application gave ({@code host},
     * which may be an address literal), or by the address reached ({@code address}, when known).
     */
    boolean matches(String host, InetAddress address, int port) {
        if (!ports.contains(port)) {
            return false;
        }
        if (network != null) {
            return address != null && inBlock(address.getAddress());
        }
        return host != null && Globs.matches(glob, host)
            || address != null && Globs.matches(glob, address.getHostAddress());
    }

    /** Whether this entry leaves out (or takes in) every port of what it matches. */
    boolean everyPort() {
        return ports.coversAll();
    }

    /** Whether a name matches, whatever the port (an address block matches no name). */
    boolean matchesName(String host) {
        return network == null && Globs.matches(glob, host);
    }

    /** Whether an address matches, whatever the port. */
    boolean matchesAddress(InetAddress address) {
        return network != null ? inBlock(address.getAddress()) : Globs.matches(glob, address.getHostAddress());
    }

    private boolean inBlock(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[whole] & mask) == (network[whole] & mask);
    }

    private static int prefix(String text, int max, String block) {
        try {
            int bits = Integer.parseInt(text);
            if (bits >= 0 && bits <= max) {
                return bits;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + block + "' has a prefix length that is not 0-" + max);
    }

    /** An IPv4 or IPv6 literal's bytes, or null; never a DNS query. */
    private static byte[] literal(String text) {
        byte[] v4 = ipv4(text);
        if (v4 != null || text.indexOf(':') < 0) {
            return v4;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return null;
            }
        }
        try {
            // Only hex digits, colons and dots: the JDK parses it as an IPv6 literal and never resolves it.
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
