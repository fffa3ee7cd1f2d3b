package io.connscope.agent.diagnose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The ephemeral port range and the TIME_WAIT count, from Linux's /proc; elsewhere, "unavailable". */
public final class LocalPorts {

    /** How long Linux holds a socket in TIME_WAIT (TCP_TIMEWAIT_LEN). */
    static final long TIME_WAIT_SECONDS = 60;
    /** Linux's default range (32768-60999), assumed when /proc is unavailable. */
    private static final int DEFAULT_PORT_COUNT = 28_232;

    private static final Path RANGE = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Path SOCKSTAT = Paths.get("/proc/net/sockstat");

    private LocalPorts() {
    }

    /** [low, high], or null when unavailable. */
    static int[] range() {
        try {
            // Read line-wise: /proc files report size 0, and Files.readAllBytes then stops after one byte.
            String[] parts = Files.readAllLines(RANGE, StandardCharsets.US_ASCII).get(0).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Local ports one destination can use at once: the size of the ephemeral range. */
    static int count() {
        int[] range = range();
        return range == null ? DEFAULT_PORT_COUNT : range[1] - range[0] + 1;
    }

    /**
     * New connections per second to one destination that the local ports sustain when each one
     * then holds its port in TIME_WAIT: beyond this rate, connects start failing.
     */
    public static double sustainableConnectRate() {
        return count() / (double) TIME_WAIT_SECONDS;
    }

    /** Sockets in TIME_WAIT now ("tw" in /proc/net/sockstat), or -1 when unavailable. */
    static long timeWait() {
        try {
            for (String line : Files.readAllLines(SOCKSTAT, StandardCharsets.US_ASCII)) {
                if (line.startsWith("TCP:")) {
                    String[] parts = line.trim().split("\\s+");
                    for (int i = 1; i + 1 < parts.length; i++) {
                        if (parts[i].equals("tw")) {
                            return Long.parseLong(parts[i + 1]);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // unavailable
        }
        return -1;
    }

    static String describe() {
        int[] range = range();
        long tw = timeWait();
        return (range == null ? "local port range unavailable" : "local ports " + range[0] + "-" + range[1] + ", "
            + (range[1] - range[0] + 1) + " in all") + "; " + (tw < 0 ? "TIME_WAIT count unavailable" : tw
            + " sockets in TIME_WAIT now");
    }
}
