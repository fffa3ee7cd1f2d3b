package io.connscope.agent.connection;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Whose FIN went first on a connection this side closed before reading the peer's end of stream,
 * as the kernel tells it: the socket's TCP state in Linux's {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}, found by its local and peer ports. A socket whose own FIN went first
 * stays in FIN_WAIT or TIME_WAIT (and CLOSING when the FINs crossed); one that closed after the
 * peer's FIN passes through LAST_ACK and is gone. Looked up once per connection, off the
 * application's threads (rules and export run on the export thread), and only where the
 * application's own reads cannot tell.
 */
public final class KernelCloseOrder {

    public static final int UNKNOWN = 1;
    public static final int THIS_SIDE = 2;
    public static final int PEER = 3;
    /** Still open in the kernel: the close hook runs as close begins, and the export thread can be quicker. */
    static final int NOT_YET = 4;
    private static final int TRIES = 4;
    private static final long PAUSE_MILLIS = 5;

    private static final Path[] TABLES = {Paths.get("/proc/net/tcp"), Paths.get("/proc/net/tcp6")};
    /** Beyond this many sockets the look-up gives up: a host that busy is not scanned for one connection. */
    private static final int MAX_LINES = 200_000;

    private KernelCloseOrder() {
    }

    /** The order for this connection; the record keeps it (see {@link ConnectionRecord#kernelCloseOrder()}). */
    static int lookUp(ConnectionRecord r) {
        int known = lookUp(r.localPort, r.peerPort);
        for (int i = 1; i < TRIES && known == NOT_YET; i++) {
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            known = lookUp(r.localPort, r.peerPort);
        }
        return known == NOT_YET ? UNKNOWN : known;
    }

    static int lookUp(int localPort, int peerPort) {
        if (localPort <= 0 || peerPort <= 0) {
            return UNKNOWN;
        }
        String local = String.format(":%04X", localPort);
        String peer = String.format(":%04X", peerPort);
        int lines = 0;
        boolean readAny = false;
        for (Path table : TABLES) {
            try (BufferedReader in = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                readAny = true;
                in.readLine(); // the header
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (++lines > MAX_LINES) {
                        return UNKNOWN;
                    }
                    int state = stateIfMatches(line, local, peer);
                    if (state >= 0) {
                        return orderOf(state);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or no /proc: the order stays unknown
            }
        }
        // Gone from the tables: closed through LAST_ACK after the peer's FIN (a reset never gets here).
        return readAny ? PEER : UNKNOWN;
    }

    /** "  12: 0100007F:9C40 0100007F:1F90 06 ..." : the state when the ports are these, else -1. */
    static int stateIfMatches(String line, String local, String peer) {
        String[] f = line.trim().split("\\s+", 5);
        if (f.length < 4 || !f[1].endsWith(local) || !f[2].endsWith(peer)) {
            return -1;
        }
        return Integer.parseInt(f[3], 16);
    }

    static int orderOf(int state) {
        switch (state) {
            case 0x04: // FIN_WAIT1
            case 0x05: // FIN_WAIT2
            case 0x06: // TIME_WAIT
            case 0x0B: // CLOSING: the FINs crossed, and TIME_WAIT lands on this side too
                return THIS_SIDE;
            case 0x08: // CLOSE_WAIT: the peer's FIN came, this side's close not yet through
            case 0x09: // LAST_ACK
                return PEER;
            case 0x01: // ESTABLISHED: looked up before the close went through
                return NOT_YET;
            default:
                return UNKNOWN;
        }
    }
}
