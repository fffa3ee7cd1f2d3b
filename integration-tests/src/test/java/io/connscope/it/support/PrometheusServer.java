package io.connscope.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's Prometheus server, run on loopback with a given configuration, and its query API. */
public final class PrometheusServer implements AutoCloseable {

    public static final Path BINARY = Paths.get("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Prometheus with this configuration in a fresh data directory and waits until it is ready. */
    public static PrometheusServer start(Path config, Path dir, int port) throws Exception {
        Path data = Files.createTempDirectory(Files.createDirectories(dir), "data-");
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(List.of(BINARY.toString(), "--config.file=" + config,
            "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(p, port, log);
        Await.until("Prometheus ready", 60, () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("Prometheus exited: " + Files.readString(log));
            }
            try {
                return server.get("/-/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return server;
    }

    /** The "data" of an API answer; fails on any status but success. */
    public JsonNode api(String path, String... params) throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder(path);
        for (int i = 0; i < params.length; i += 2) {
            query.append(i == 0 ? '?' : '&').append(params[i]).append('=')
                .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = get(query.toString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return body.get("data");
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
