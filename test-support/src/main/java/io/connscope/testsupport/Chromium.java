package io.connscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol, for the browser tests and the benchmark: one
 * browser process, one WebSocket to it, and tabs ({@link ChromiumPage}) as flattened sessions on that socket.
 * Input goes through {@code Input.dispatch*Event}, so pages see the events a user's mouse and keyboard make.
 */
public final class Chromium implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private static final Path EXECUTABLE = Paths.get("/usr/bin/chromium");
    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern DEVTOOLS_LINE = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profileDir;
    private final ChromiumOutput output;
    private final Thread shutdownHook;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, ChromiumPage> pages = new ConcurrentHashMap<>();
    private final Object sendLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String closeReason;
    private volatile WebSocket webSocket;

    /** A command waiting for its reply, and its session: a tab that goes fails the commands waiting on it. */
    private static final class Pending {
        final String sessionId;
        final CompletableFuture<JsonNode> reply = new CompletableFuture<>();

        Pending(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    private Chromium(Process process, Path profileDir, ChromiumOutput output) {
        this.process = process;
        this.profileDir = profileDir;
        this.output = output;
        this.shutdownHook = new Thread(this::destroy, "chromium-shutdown-" + process.pid());
    }

    /** /usr/bin/chromium is executable: the browser tests run only where it is installed. */
    public static boolean available() {
        return Files.isExecutable(EXECUTABLE);
    }

    /**
     * Starts headless Chromium on a fresh temporary profile, a window of {@code width} x {@code height}, and
     * connects to its browser DevTools WebSocket (the port is chosen by Chromium and read from its stderr).
     * {@code --no-sandbox} is given only when running as root, where Chromium refuses to start without it.
     */
    public static Chromium launch(int width, int height) throws IOException {
        Path profileDir = Files.createTempDirectory("connscope-chromium-");
        List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(),
                "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--hide-scrollbars", "--mute-audio", "--remote-debugging-port=0",
                "--user-data-dir=" + profileDir, "--window-size=" + width + "," + height));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--no-sandbox");
        }
        command.add("about:blank");
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            ChromiumProfile.deleteTree(profileDir);
            throw new IOException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        ChromiumOutput output = new ChromiumOutput();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        output.drain(process.getErrorStream(), "chromium-stderr-" + process.pid(), line -> {
            Matcher m = DEVTOOLS_LINE.matcher(line);
            if (m.find()) {
                endpoint.complete(m.group(1));
            }
        }, () -> endpoint.completeExceptionally(new IOException("chromium closed its stderr")));
        output.drain(process.getInputStream(), "chromium-stdout-" + process.pid(), line -> { }, () -> { });
        Chromium chromium = new Chromium(process, profileDir, output);
        Runtime.getRuntime().addShutdownHook(chromium.shutdownHook);
        try {
            String url;
            try {
                url = endpoint.get(LAUNCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                boolean exited = process.waitFor(2, TimeUnit.SECONDS);
                throw new IOException((exited ? "chromium exited with code " + process.exitValue()
                        : "chromium printed no \"DevTools listening on ws://...\" within "
                                + LAUNCH_TIMEOUT.toSeconds() + " s")
                        + "; command: " + String.join(" ", command)
                        + "; its output (D-Bus errors left out):\n" + chromium.lastOutput(50));
            }
            chromium.connect(URI.create(url));
            return chromium;
        } catch (IOException | RuntimeException e) {
            chromium.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chromium.close();
            throw new IOException("interrupted while launching chromium", e);
        }
    }

    /**
     * A new tab: a target attached as a flattened session on the browser WebSocket, its viewport set to
     * {@code width} x {@code height} CSS px at device scale factor 1, the Page and Runtime domains enabled and
     * focus emulated (each tab keeps its keyboard focus, whichever tab was used last); then navigated to
     * {@code url}, waiting for its load event (60 s).
     */
    public ChromiumPage open(String url, int width, int height) throws IOException {
        JsonNode target = send(null, "Target.createTarget", Map.of("url", "about:blank"), COMMAND_TIMEOUT);
        String targetId = target.path("targetId").asText();
        JsonNode attached = send(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true),
                COMMAND_TIMEOUT);
        String sessionId = attached.path("sessionId").asText();
        ChromiumPage page = new ChromiumPage(this, targetId, sessionId);
        pages.put(sessionId, page);
        page.send("Page.enable", Map.of());
        page.send("Runtime.enable", Map.of());
        page.send("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        page.send("Emulation.setFocusEmulationEnabled", Map.of("enabled", true));
        try {
            page.navigate(url);
        } catch (RuntimeException | AssertionError e) {
            throw new IOException("cannot open " + url + ": " + e.getMessage(), e);
        }
        return page;
    }

    /**
     * Closes the WebSocket, ends the browser and all its child processes (renderers, zygotes, GPU and utility
     * processes) and deletes the temporary profile. Never throws: it runs in finally blocks and shutdown hooks.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | SecurityException e) {
            // the JVM is shutting down: the hook runs destroy() itself
        }
        destroy();
    }

    private void destroy() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = "the browser was closed (Chromium.close())";
        WebSocket ws = webSocket;
        if (ws != null) {
            ws.abort();
        }
        failPending(null, closeReason);
        ChromiumProfile.end(process, profileDir);
    }

    /** Opens the browser WebSocket; the listener is the one reader of every reply and event. */
    private void connect(URI url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            webSocket = client.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(url, new Listener())
                    .get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("cannot open the DevTools WebSocket " + url + ": " + cause, cause);
        }
    }

    /**
     * Sends one command (on {@code sessionId}, or to the browser when null) and waits for its reply. The
     * errors name the method and its parameters, and, when the reply never came, whether Chromium still runs.
     */
    JsonNode send(String sessionId, String method, Map<String, ?> params, Duration timeout) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", params == null ? JSON.createObjectNode() : JSON.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        String what = method + " " + summary(message.get("params"))
                + (sessionId == null ? "" : " (session " + sessionId + ")");
        long deadline = System.nanoTime() + timeout.toNanos();
        Pending p = new Pending(sessionId);
        pending.put(id, p);
        try {
            String reason = closeReason;
            if (reason != null) {
                throw new IllegalStateException("CDP " + what + ": " + reason);
            }
            String text = message.toString();
            synchronized (sendLock) {
                // WebSocket allows one outstanding send at a time; the lock keeps callers on other threads in line.
                webSocket.sendText(text, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            JsonNode reply = p.reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            JsonNode error = reply.get("error");
            if (error != null) {
                throw new IllegalStateException("CDP " + what + " failed: " + error.path("message").asText()
                        + " (code " + error.path("code").asText() + ")"
                        + (error.has("data") ? ": " + error.get("data").asText() : ""));
            }
            JsonNode result = reply.get("result");
            return result == null ? JSON.createObjectNode() : result;
        } catch (TimeoutException e) {
            throw new IllegalStateException("CDP " + what + ": no reply within " + timeout.toMillis() + " ms; "
                    + (process.isAlive() ? "chromium is running" : "chromium exited with code " + process.exitValue())
                    + "; its last output:\n" + lastOutput(10));
        } catch (ExecutionException e) {
            throw new IllegalStateException("CDP " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("CDP " + what + ": interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    /** The message the WebSocket listener received in full: a reply to complete, or an event to dispatch. */
    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return; // not JSON: nothing waits for it
        }
        JsonNode id = message.get("id");
        if (id != null) {
            Pending p = pending.get(id.asInt());
            if (p != null) {
                p.reply.complete(message);
            }
            return;
        }
        String method = message.path("method").asText();
        JsonNode params = message.path("params");
        if ("Target.detachedFromTarget".equals(method)) {
            String sessionId = params.path("sessionId").asText();
            ChromiumPage page = pages.remove(sessionId);
            String reason = "the tab was detached (target " + params.path("targetId").asText() + " closed or crashed)";
            if (page != null) {
                page.detached(reason);
            }
            failPending(sessionId, reason);
            return;
        }
        JsonNode sessionId = message.get("sessionId");
        if (sessionId != null) {
            ChromiumPage page = pages.get(sessionId.asText());
            if (page != null) {
                page.onEvent(method, params);
            }
        }
    }

    /** Fails the commands waiting on {@code sessionId} (all of them when null), so none waits for its timeout. */
    private void failPending(String sessionId, String reason) {
        for (Pending p : pending.values()) {
            if (sessionId == null || sessionId.equals(p.sessionId)) {
                p.reply.completeExceptionally(new IllegalStateException(reason));
            }
        }
    }

    private void connectionLost(String reason) {
        if (closeReason == null) {
            closeReason = reason + (process.isAlive() ? "" : "; chromium exited with code " + process.exitValue())
                    + "; its last output:\n" + lastOutput(10);
        }
        failPending(null, closeReason);
        for (ChromiumPage page : pages.values()) {
            page.detached(closeReason);
        }
    }

    /** Reassembles the text messages, which arrive in parts (a screenshot is megabytes of base64). */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (partial.capacity() > (1 << 20)) {
                    partial.trimToSize(); // let a screenshot's buffer go
                }
                try {
                    dispatch(text);
                } catch (RuntimeException e) {
                    // a bug here must not stop the reading of replies: keep it where error messages look
                    output.remember("connscope: handling a DevTools message failed: " + e);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, java.nio.ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            connectionLost("the DevTools WebSocket closed (" + statusCode + " " + reason + ")");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            connectionLost("the DevTools WebSocket failed: " + error);
        }
    }

    /** The last {@code n} lines Chromium wrote (stderr and stdout), for error messages. */
    String lastOutput(int n) {
        return output.last(n);
    }

    /** The parameters of a command, shortened for an error message (a screenshot or a script can be long). */
    static String summary(JsonNode params) {
        String s = params == null ? "{}" : params.toString();
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }
}
