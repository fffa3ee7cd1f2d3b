package io.connscope.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A packet capture of the loopback interface with Debian's Wireshark tools (dumpcap to record, tshark
 * to read): what really crossed the wire, as a truth independent of connscope's hooks. Needs the
 * rights to capture (root, or CAP_NET_RAW on dumpcap); without them the calling test is skipped with
 * a message, as it is where the tools are missing (.ci/run installs them).
 */
public final class PacketCapture implements AutoCloseable {

    private final Path file;
    private final Process dumpcap;

    private PacketCapture(Path file, Process dumpcap) {
        this.file = file;
        this.dumpcap = dumpcap;
    }

    /** Starts capturing TCP on loopback; returns once dumpcap is recording. */
    public static PacketCapture start() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dumpcap")) && Files.isExecutable(Path.of("/usr/bin/tshark")),
            "no dumpcap/tshark (Debian's tshark package): the packet-capture checks are skipped");
        Path file = Files.createTempFile("connscope-capture", ".pcapng");
        Path log = Files.createTempFile("connscope-dumpcap", ".log");
        Process p = new ProcessBuilder("/usr/bin/dumpcap", "-i", "lo", "-f", "tcp", "-w", file.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("Capturing on")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                Assumptions.assumeTrue(false, "dumpcap cannot capture on lo here: " + Files.readString(log).trim());
            }
            Thread.sleep(20);
        }
        return new PacketCapture(file, p);
    }

    /**
     * Stops recording, once dumpcap has written what it holds: the kernel hands it packets in blocks,
     * a block when full or after a timeout, and a SIGTERM loses the block still open (the last
     * packets of a short run). So first wait for the file to stop growing for a second (at most 5 s).
     */
    public void stop() throws InterruptedException {
        if (dumpcap.isAlive()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long size = -1;
            long stableSince = System.nanoTime();
            while (System.nanoTime() < deadline && System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(1)) {
                long now = file.toFile().length();
                if (now != size) {
                    size = now;
                    stableSince = System.nanoTime();
                }
                Thread.sleep(50);
            }
            dumpcap.destroy(); // SIGTERM: dumpcap finishes the file
            if (!dumpcap.waitFor(10, TimeUnit.SECONDS)) {
                dumpcap.destroyForcibly();
            }
        }
    }

    /**
     * The HTTP/1.x request heads sent to {@code port}, as tshark decodes them, one line each: method, URI
     * and the client's port, separated by tabs. A request sent twice is here twice.
     */
    public List<String> httpRequestsTo(int port) throws IOException, InterruptedException {
        // A head is a request even when its body never followed (a write that met a reset).
        return tshark("-o", "http.desegment_body:FALSE", "-d", "tcp.port==" + port + ",http", "-Y",
            "http.request && tcp.dstport==" + port,
            "-T", "fields", "-e", "http.request.method", "-e", "http.request.uri", "-e", "tcp.srcport");
    }

    /** The client ports that {@code port} sent a TCP reset to. */
    public List<String> resetsFrom(int port) throws IOException, InterruptedException {
        return tshark("-Y", "tcp.flags.reset==1 && tcp.srcport==" + port, "-T", "fields", "-e", "tcp.dstport");
    }

    /** The TCP segments between {@code port} and its peers, in capture order. */
    public List<Segment> segments(int port) throws IOException, InterruptedException {
        List<Segment> segments = new ArrayList<>();
        for (String line : tshark("-Y", "tcp.port==" + port, "-T", "fields",
            "-e", "frame.time_relative", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.len", "-e", "tcp.flags",
            "-e", "tcp.seq", "-e", "tcp.ack")) {
            String[] f = line.split("\t");
            segments.add(new Segment(Double.parseDouble(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]), Integer.decode(f[4]), Long.parseLong(f[5]), f.length > 6 && !f[6].isEmpty() ? Long.parseLong(f[6]) : -1L));
        }
        return segments;
    }

    /**
     * One TCP segment: when (seconds into the capture), from and to which port, its payload length, its
     * flags, and its sequence and acknowledgement numbers (tshark's, relative to each side's first).
     */
    public static final class Segment {
        public final double at;
        public final int from;
        public final int to;
        public final int length;
        public final long seq;
        public final long ack;
        private final int flags;

        Segment(double at, int from, int to, int length, int flags, long seq, long ack) {
            this.at = at;
            this.from = from;
            this.to = to;
            this.length = length;
            this.flags = flags;
            this.seq = seq;
            this.ack = ack;
        }

        public boolean fin() {
            return (flags & 0x01) != 0;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.6f %d>%d len=%d flags=0x%03x", at, from, to, length, flags);
        }

        /** An ACK alone: no data, no SYN, FIN or RST. */
        public boolean pureAck() {
            return length == 0 && (flags & 0x07) == 0;
        }
    }

    private List<String> tshark(String... args) throws IOException, InterruptedException {
        stop();
        List<String> command = new ArrayList<>(List.of("/usr/bin/tshark", "-n", "-r", file.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tshark failed: " + command);
        }
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
        Files.deleteIfExists(file);
    }
}
