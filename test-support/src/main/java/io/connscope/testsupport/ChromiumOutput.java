package io.connscope.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What Chromium writes on stdout and stderr: read to the end on daemon threads (a full pipe would
 * block it), the last lines kept for error messages.
 */
final class ChromiumOutput {

    private static final int LINES = 50;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    /** Reads one of the process's streams to its end, each line to {@code onLine}, then runs {@code onEnd}. */
    void drain(InputStream in, String name, Consumer<String> onLine, Runnable onEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.contains(":ERROR:dbus/")) {
                        continue; // no D-Bus in a container: dozens of these at every start, never the cause
                    }
                    remember(line);
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            } finally {
                onEnd.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    void remember(String line) {
        synchronized (lines) {
            if (lines.size() == LINES) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }
    }

    /** The last {@code n} lines. */
    String last(int n) {
        synchronized (lines) {
            return lines.stream().skip(Math.max(0, lines.size() - n)).collect(Collectors.joining("\n"));
        }
    }
}
