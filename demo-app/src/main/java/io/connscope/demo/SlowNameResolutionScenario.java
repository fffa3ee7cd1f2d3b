package io.connscope.demo;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A name look-up slower than the connect it precedes. The JDK's resolver reads its hosts file on
 * every look-up its cache misses, and {@code -Djdk.net.hosts.file} is read once, at start: so this
 * scenario starts a JVM of its own ({@link SlowLookupClient}, with this JVM's {@code -javaagent}, so
 * connscope with its defaults) whose hosts file is a FIFO this scenario answers 300 ms after each
 * look-up opens it. The child resolves {@code slow.demo} and sends a GET to this scenario's server,
 * twice (its second look-up is the JDK cache's), then a third time 1.1 s later, its JDK keeping
 * look-ups for ever; it prints its own report, where the warnings are;
 * its telemetry is not exported (the tour's exporters are this JVM's). Needs {@code mkfifo}.
 */
final class SlowNameResolutionScenario implements Scenario {

    static final long DELAY_MS = 300;

    @Override
    public String name() {
        return "slow-name-resolution";
    }

    @Override
    public String description() {
        return "a JVM of its own whose hosts file answers after " + DELAY_MS + " ms: the look-up before its connect is slow";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("connscope-demo-names");
        Path fifo = dir.resolve("hosts");
        try (LoopbackServer server = LoopbackServer.start(3, ConnectFallbackScenario::answer)) {
            if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
                out.println("  skipped: mkfifo is not available here");
                return;
            }
            Thread writer = answering(fifo, ("127.0.0.1 slow.demo\n127.0.0.1 localhost\n").getBytes(StandardCharsets.US_ASCII));
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                // connscope itself, with its defaults: this JVM's report files, ports and exporters stay this JVM's.
                if (arg.startsWith("-javaagent:")) {
                    command.add(arg.indexOf('=') > 0 ? arg.substring(0, arg.indexOf('=')) : arg);
                }
            }
            command.add("-Djdk.net.hosts.file=" + fifo);
            // Look-ups kept for ever, and a hint after 1 s rather than 10 min: name-cached-forever on its third connect.
            command.add("-Dsun.net.inetaddr.ttl=-1");
            command.add("-Dsun.net.inetaddr.negative.ttl=0"); // a look-up that shared the FIFO's answer is made again
            command.add("-Dconnscope.rule.name-cached-forever.run.ms=1000");
            command.add("-Dconnscope.banner=false");
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), SlowLookupClient.class.getName(),
                Integer.toString(server.port())));
            ProcessBuilder child = new ProcessBuilder(command).redirectErrorStream(true);
            child.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("CONNSCOPE_"));
            Process p = child.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.println("  | " + line);
                    if (line.startsWith("expect:")) {
                        out.println(line);
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                out.println("  the child JVM failed");
            }
            writer.interrupt();
            server.await();
        } finally {
            unblock(fifo);
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    /** Answers every open of the FIFO with {@code hosts}, {@link #DELAY_MS} after it. */
    private static Thread answering(Path fifo, byte[] hosts) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (OutputStream o = new FileOutputStream(fifo.toFile())) {
                    Thread.sleep(DELAY_MS);
                    o.write(hosts);
                } catch (IOException | InterruptedException e) {
                    return;
                }
                try {
                    Thread.sleep(100); // the reader sees the end of this answer before the next one opens
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "demo-hosts-fifo");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A writer waiting for a reader in open(): be that reader, so that it ends. */
    private static void unblock(Path fifo) {
        Thread t = new Thread(() -> {
            try (InputStream in = new FileInputStream(fifo.toFile())) {
                in.readAllBytes();
            } catch (IOException e) {
                // gone already
            }
        }, "demo-hosts-fifo-unblock");
        t.setDaemon(true);
        t.start();
    }
}
