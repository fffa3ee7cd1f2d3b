package io.connscope.agent.config;

/** A port or a range of ports ({@code 443}, {@code 8000-8999}, or {@code *} for any). */
final class PortRange {

    static final PortRange ANY = new PortRange(1, 65535);

    private final int low;
    private final int high;

    private PortRange(int low, int high) {
        this.low = low;
        this.high = high;
    }

    /** Parses one; throws IllegalArgumentException with the reason. */
    static PortRange parse(String text) {
        String t = text.trim();
        if (t.equals("*")) {
            return ANY;
        }
        int dash = t.indexOf('-');
        int low = port(dash < 0 ? t : t.substring(0, dash));
        int high = dash < 0 ? low : port(t.substring(dash + 1));
        if (high < low) {
            throw new IllegalArgumentException("port range '" + t + "' ends before it starts");
        }
        return new PortRange(low, high);
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not a port (1-65535)");
    }

    boolean contains(int port) {
        return port >= low && port <= high;
    }

    /** Every port: no port given, {@code *}, or 1-65535 written out. */
    boolean coversAll() {
        return low == 1 && high == 65535;
    }

    @Override
    public String toString() {
        return this == ANY ? "*" : low == high ? String.valueOf(low) : low + "-" + high;
    }
}
