package io.connscope.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The end of a browser run: its processes killed, its throw-away profile deleted. */
final class ChromiumProfile {

    private ChromiumProfile() {
    }

    /** Kills the browser and every process it started, then deletes its profile. Never throws. */
    static void end(Process process, Path profileDir) {
        try {
            List<ProcessHandle> family = new ArrayList<>();
            try (Stream<ProcessHandle> descendants = process.descendants()) {
                descendants.forEach(family::add);
            }
            family.add(0, process.toHandle()); // the browser first, so it starts no new child
            // Killed, not asked to stop: a graceful exit takes Chromium about 2 s, and the profile is thrown away.
            for (ProcessHandle p : family) {
                p.destroyForcibly();
            }
            // The browser is our child: waited for (and reaped) here. The others are dead from the kill on, but
            // waiting for them means waiting for whoever reaps orphans (PID 1): a second or more in containers.
            process.waitFor(10, TimeUnit.SECONDS);
            // A child started after the snapshot above, now orphaned, still names the profile: end it too.
            String profileFlag = "--user-data-dir=" + profileDir;
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                all.filter(p -> p.info().commandLine().map(c -> c.contains(profileFlag)).orElse(false))
                        .forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (RuntimeException e) {
            process.destroyForcibly();
        }
        deleteTree(profileDir);
    }

    static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        // retried below
                    }
                });
            } catch (IOException | RuntimeException e) {
                // a file vanished while walking: retry
            }
        }
    }
}
