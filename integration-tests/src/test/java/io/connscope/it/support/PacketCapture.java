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

    /** Stops recording (lets dumpcap write what it holds). */
    public void stop() throws InterruptedException {
        if (dumpcap.isAlive()) {
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
