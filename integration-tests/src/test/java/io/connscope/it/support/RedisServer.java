package io.connscope.it.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * Debian's redis-server, on loopback with nothing saved, and its own account of what it served
 * (INFO), read from the test's JVM, which connscope does not follow.
 */
public final class RedisServer implements AutoCloseable {

    public static final Path BINARY = Paths.get("/usr/bin/redis-server");

    private final Process process;
    private final int port;
    private final Path log;

    private RedisServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static RedisServer start(Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.createDirectories(dir);
        Path log = dir.resolve("redis-" + port + ".log");
        Process p = new ProcessBuilder(List.of(BINARY.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", dir.toString()))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RedisServer server = new RedisServer(p, port, log);
        Await.until("redis-server ready", 30, () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(log));
            }
            try (Jedis j = server.client()) {
                return "PONG".equals(j.ping());
            } catch (RuntimeException e) {
                return false;
            }
        });
        return server;
    }

    public int port() {
        return port;
    }

    /** The server's INFO section as name → value ("cmdstat_get" → "calls=10,usec=...,failed_calls=0"). */
    public Map<String, String> info(String section) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Jedis j = client()) {
            for (String line : j.info(section).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    out.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        return out;
    }

    /** Forgets the statistics so far (those of the readiness checks), as CONFIG RESETSTAT does. */
    public void resetStats() {
        try (Jedis j = client()) {
            j.configResetStat();
        }
    }

    private Jedis client() {
        return new Jedis("127.0.0.1", port);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
