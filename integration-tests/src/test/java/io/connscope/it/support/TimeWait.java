package io.connscope.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The kernel's own account of who closed a loopback connection first, read by the test: the side
 * whose FIN went first holds the connection's ports in TIME_WAIT for 60 s (Linux's /proc/net/tcp
 * and /proc/net/tcp6).
 */
public final class TimeWait {

    private static final int TIME_WAIT = 0x06;

    private TimeWait() {
    }

    /** Whether a socket with these local and remote ports is in TIME_WAIT now. */
    public static boolean holds(int localPort, int remotePort) throws IOException {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        for (Path table : List.of(Paths.get("/proc/net/tcp"), Paths.get("/proc/net/tcp6"))) {
            if (!Files.isReadable(table)) {
                continue;
            }
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(local) && f[2].endsWith(remote) && Integer.parseInt(f[3], 16) == TIME_WAIT) {
                    return true;
                }
            }
        }
        return false;
    }
}
