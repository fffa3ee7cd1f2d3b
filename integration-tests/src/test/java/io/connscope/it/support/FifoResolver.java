package io.connscope.it.support;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A name resolver the test controls, for every JDK: a FIFO to name in {@code -Djdk.net.hosts.file}.
 * The JDK reads its hosts file on every look-up its cache misses (JDK 17 and 25 alike); each read
 * opens the FIFO, and this writer answers it {@code delayMillis} after the open, with the hosts
 * lines given. Its own count of answers and its delay are the truth a test holds connscope to.
 */
public final class FifoResolver implements AutoCloseable {

    private final Path fifo;
    private final Thread writer;
    private final AtomicInteger answered = new AtomicInteger();
    private volatile boolean running = true;

    public FifoResolver(Path dir, String hostsLines, long delayMillis) throws IOException, InterruptedException {
        fifo = dir.resolve("hosts.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0 || !Files.exists(fifo)) {
            throw new IOException("mkfifo " + fifo + " failed");
        }
        byte[] answer = hostsLines.getBytes(StandardCharsets.US_ASCII);
        writer = new Thread(() -> {
            while (running) {
                try (OutputStream out = new FileOutputStream(fifo.toFile())) { // blocks until a look-up opens it
                    if (!running) {
                        return;
                    }
                    Thread.sleep(delayMillis);
                    out.write(answer);
                } catch (IOException | InterruptedException e) {
                    return;
                }
                answered.incrementAndGet();
                try {
                    Thread.sleep(100); // the reader sees this answer's end before the next writer opens
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fifo-resolver");
        writer.setDaemon(true);
        writer.start();
    }

    /** What to pass as {@code -Djdk.net.hosts.file}. */
    public String path() {
        return fifo.toString();
    }

    /** Answers written: look-ups the JDK's resolver made. */
    public int answered() {
        return answered.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        Thread unblock = new Thread(() -> { // a writer waiting in open() for a reader: be that reader
            try (InputStream in = new FileInputStream(fifo.toFile())) {
                in.readAllBytes();
            } catch (IOException e) {
                // gone
            }
        });
        unblock.setDaemon(true);
        unblock.start();
        writer.join(2000);
    }
}
