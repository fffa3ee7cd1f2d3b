package io.connscope.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One tab of a {@link Chromium}: a flattened DevTools session. Its methods block until Chromium has handled the
 * command (input events included), so a test can check the page's reaction right after. Use it from one thread.
 */
public final class ChromiumPage {

    private final Chromium browser;
    private final String targetId;
    private final String sessionId;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private volatile CompletableFuture<Void> load = new CompletableFuture<>();

    ChromiumPage(Chromium browser, String targetId, String sessionId) {
        this.browser = browser;
        this.targetId = targetId;
        this.sessionId = sessionId;
    }

    /**
     * Sends a CDP command on this tab's session and waits for its result (30 s), for what the helpers below
     * do not cover; an error reply throws IllegalStateException with the CDP error message.
     */
    public JsonNode send(String method, Map<String, ?> params) {
        return browser.send(sessionId, method, params, Chromium.COMMAND_TIMEOUT);
    }

    /**
     * Evaluates a JavaScript expression in the page (promises awaited) and returns its value as JSON: NullNode
     * for undefined, the text of NaN, Infinity, -0 and bigints. A thrown exception becomes an
     * IllegalStateException naming the exception and the expression.
     */
    public JsonNode eval(String expression) {
        JsonNode reply = send("Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        JsonNode details = reply.get("exceptionDetails");
        if (details != null) {
            JsonNode exception = details.path("exception");
            String text = exception.hasNonNull("description") ? exception.get("description").asText()
                    : exception.has("value") ? details.path("text").asText() + " " + exception.get("value")
                    : details.path("text").asText();
            throw new IllegalStateException("JavaScript threw: " + text + "\n  in: " + expression);
        }
        JsonNode result = reply.path("result");
        if (result.has("value")) {
            return result.get("value");
        }
        if (result.has("unserializableValue")) {
            return TextNode.valueOf(result.get("unserializableValue").asText());
        }
        return NullNode.getInstance();
    }

    /**
     * Waits until {@code expression} evaluates to JSON true, polling every 50 ms; an expression that throws
     * (the element is not there yet) counts as not yet. After {@code timeout}, an AssertionError names the
     * expression and its last value or exception.
     */
    public void waitFor(String expression, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        while (true) {
            try {
                JsonNode value = eval(expression);
                if (value.isBoolean() && value.booleanValue()) {
                    return;
                }
                last = String.valueOf(value);
            } catch (IllegalStateException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + timeout.toMillis() + " ms: " + expression
                        + "\n  last value: " + last);
            }
            pause(50);
        }
    }

    /** Moves the mouse, no button down, to ({@code x}, {@code y}) CSS px of the viewport: hover, mousemove. */
    public void mouseMove(double x, double y) {
        mouse("mouseMoved", x, y, "none", 0, 0);
    }

    /** A left click at ({@code x}, {@code y}) as a user makes it: move there, press, release. */
    public void click(double x, double y) {
        mouse("mouseMoved", x, y, "none", 0, 0);
        mouse("mousePressed", x, y, "left", 1, 1);
        mouse("mouseReleased", x, y, "left", 0, 1);
    }

    /**
     * A drag as a user makes it: move to ({@code x1}, {@code y1}), press the left button, move in {@code steps}
     * even steps (button held, 16 ms apart, so code that works per animation frame sees each one) to
     * ({@code x2}, {@code y2}), release there.
     */
    public void drag(double x1, double y1, double x2, double y2, int steps) {
        int n = Math.max(1, steps);
        mouse("mouseMoved", x1, y1, "none", 0, 0);
        mouse("mousePressed", x1, y1, "left", 1, 1);
        for (int i = 1; i <= n; i++) {
            pause(16);
            mouse("mouseMoved", x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n, "left", 1, 0);
        }
        mouse("mouseReleased", x2, y2, "left", 0, 1);
    }

    private void mouse(String type, double x, double y, String button, int buttons, int clickCount) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("type", type);
        params.put("x", x);
        params.put("y", y);
        params.put("button", button);
        params.put("buttons", buttons);
        if (clickCount > 0) {
            params.put("clickCount", clickCount);
        }
        send("Input.dispatchMouseEvent", params);
    }

    /**
     * Presses and releases one key of a US keyboard, with the key, code and keyCode a real keyboard gives:
     * a printable ASCII character ("a", "A", "/", "+", "-", " "; shifted ones with Shift held), or one of
     * Enter, Escape, Tab, Backspace, Delete, Home, End, PageUp, PageDown, ArrowUp/Down/Left/Right. Printable
     * characters (and Enter, as "\r") carry their text, so they fire keypress and input as typing does.
     */
    public void press(String key) {
        Key k = Key.of(key);
        Map<String, Object> down = new LinkedHashMap<>();
        down.put("type", k.text == null ? "rawKeyDown" : "keyDown");
        down.put("key", k.key);
        down.put("code", k.code);
        down.put("windowsVirtualKeyCode", k.keyCode);
        down.put("nativeVirtualKeyCode", k.keyCode);
        down.put("modifiers", k.shift ? 8 : 0);
        if (k.text != null) {
            down.put("text", k.text);
            down.put("unmodifiedText", k.text);
        }
        send("Input.dispatchKeyEvent", down);
        Map<String, Object> up = new LinkedHashMap<>(down);
        up.put("type", "keyUp");
        up.remove("text");
        up.remove("unmodifiedText");
        send("Input.dispatchKeyEvent", up);
    }

    /** Inserts {@code text} into the focused element, as an input method does (input events, no key events). */
    public void type(String text) {
        send("Input.insertText", Map.of("text", text));
    }

    /**
     * The bounding client rectangle {x, y, width, height} in CSS px of the viewport of the first element
     * matching {@code selector}; an AssertionError names the selector when none matches.
     */
    public double[] rect(String selector) {
        return rect(selector, false);
    }

    /**
     * Scrolls the first element matching {@code selector} into view (block 'nearest') and clicks its centre;
     * an AssertionError when none matches or it has no size (hidden).
     */
    public void clickOn(String selector) {
        double[] r = rect(selector, true);
        if (r[2] <= 0 || r[3] <= 0) {
            throw new AssertionError("element has no size (hidden?), cannot click it: " + selector
                    + " rect " + r[2] + "x" + r[3] + " at " + r[0] + "," + r[1]);
        }
        click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    }

    private double[] rect(String selector, boolean scroll) {
        String quoted;
        try {
            quoted = Chromium.JSON.writeValueAsString(selector);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        JsonNode r = eval("(() => { const e = document.querySelector(" + quoted + "); if (!e) return null; "
                + (scroll ? "e.scrollIntoView({block: 'nearest'}); " : "")
                + "const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()");
        if (!r.isArray()) {
            throw new AssertionError("no element matches the selector " + selector + " on " + url());
        }
        return new double[] {r.get(0).asDouble(), r.get(1).asDouble(), r.get(2).asDouble(), r.get(3).asDouble()};
    }

    /** A PNG of the viewport: width x height pixels as opened. */
    public byte[] screenshot() {
        JsonNode reply = send("Page.captureScreenshot", Map.of("format", "png"));
        return Base64.getDecoder().decode(reply.path("data").asText());
    }

    /**
     * Navigates to {@code url} and waits for its load event (60 s in all). A navigation that fails (no such
     * file, connection refused) throws IllegalStateException with Chromium's error text.
     */
    public void navigate(String url) {
        long deadline = System.nanoTime() + Chromium.LOAD_TIMEOUT.toNanos();
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        load = loaded; // armed before the navigation starts: its load event cannot be missed
        JsonNode reply = browser.send(sessionId, "Page.navigate", Map.of("url", url), Chromium.LOAD_TIMEOUT);
        if (reply.hasNonNull("errorText")) {
            throw new IllegalStateException("navigation to " + url + " failed: " + reply.get("errorText").asText());
        }
        if (!reply.hasNonNull("loaderId")) {
            return; // a same-document navigation (a #fragment): no load event follows
        }
        try {
            loaded.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no load event within " + Chromium.LOAD_TIMEOUT.toSeconds()
                    + " s after navigating to " + url + "; problems on the page: " + problems());
        } catch (ExecutionException e) {
            throw new IllegalStateException("navigation to " + url + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while navigating to " + url, e);
        }
    }

    /**
     * The console errors and warnings and the uncaught exceptions seen on this tab so far, one line each with
     * where they came from: a test asserts the page had none.
     */
    public List<String> problems() {
        synchronized (problems) {
            return new ArrayList<>(problems);
        }
    }

    /** Names the tab's target and session, for messages. */
    @Override
    public String toString() {
        return "ChromiumPage[target " + targetId + ", session " + sessionId + "]";
    }

    /** An event of this tab's session, on the WebSocket reader's thread: it must not block. */
    void onEvent(String method, JsonNode params) {
        switch (method) {
            case "Page.loadEventFired":
                load.complete(null);
                break;
            case "Runtime.consoleAPICalled": {
                String type = params.path("type").asText();
                if ("error".equals(type) || "warning".equals(type) || "assert".equals(type)) {
                    StringBuilder line = new StringBuilder("console.").append(type).append(':');
                    for (JsonNode arg : params.path("args")) {
                        line.append(' ').append(arg.has("value") ? arg.get("value").isTextual()
                                ? arg.get("value").asText() : arg.get("value").toString()
                                : arg.path("description").asText(arg.path("type").asText()));
                    }
                    String at = location(params.path("stackTrace").path("callFrames").path(0));
                    problems.add(line.append(at.isEmpty() ? "" : " (at " + at + ")").toString());
                }
                break;
            }
            case "Runtime.exceptionThrown": {
                JsonNode details = params.path("exceptionDetails");
                String text = details.path("exception").hasNonNull("description")
                        ? details.path("exception").get("description").asText()
                        : details.path("text").asText();
                String at = location(details);
                problems.add("uncaught: " + text + (text.contains(at) ? "" : " (at " + at + ")"));
                break;
            }
            default:
                break;
        }
    }

    /** The tab is gone (closed, crashed, or the browser connection lost): the load wait fails now. */
    void detached(String reason) {
        problems.add("detached: " + reason);
        load.completeExceptionally(new IllegalStateException(reason));
    }

    /** "url:line:column" (1-based) of a call frame or exception details, or "" when it has no url. */
    private static String location(JsonNode frame) {
        String url = frame.path("url").asText("");
        return url.isEmpty() ? "" : url + ":" + (frame.path("lineNumber").asInt() + 1) + ":"
                + (frame.path("columnNumber").asInt() + 1);
    }

    private String url() {
        try {
            return eval("location.href").asText();
        } catch (RuntimeException e) {
            return "(url unknown: " + e.getMessage() + ")";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A key of a US keyboard: the KeyboardEvent key and code, the Windows virtual key code, its text. */
    private static final class Key {
        private static final Map<String, Key> NAMED = new HashMap<>();
        private static final Map<Character, Key> CHARS = new HashMap<>();

        static {
            named("Enter", "Enter", 13, "\r");
            named("Escape", "Escape", 27, null);
            named("Tab", "Tab", 9, null);
            named("Backspace", "Backspace", 8, null);
            named("Delete", "Delete", 46, null);
            named("Home", "Home", 36, null);
            named("End", "End", 35, null);
            named("PageUp", "PageUp", 33, null);
            named("PageDown", "PageDown", 34, null);
            named("ArrowLeft", "ArrowLeft", 37, null);
            named("ArrowUp", "ArrowUp", 38, null);
            named("ArrowRight", "ArrowRight", 39, null);
            named("ArrowDown", "ArrowDown", 40, null);
            for (char c = 'a'; c <= 'z'; c++) {
                String code = "Key" + Character.toUpperCase(c);
                chars(c, Character.toUpperCase(c), code, Character.toUpperCase(c));
            }
            String shiftedDigits = ")!@#$%^&*(";
            for (int d = 0; d <= 9; d++) {
                chars((char) ('0' + d), shiftedDigits.charAt(d), "Digit" + d, '0' + d);
            }
            chars(' ', ' ', "Space", 32);
            chars('-', '_', "Minus", 189);
            chars('=', '+', "Equal", 187);
            chars('[', '{', "BracketLeft", 219);
            chars(']', '}', "BracketRight", 221);
            chars('\\', '|', "Backslash", 220);
            chars(';', ':', "Semicolon", 186);
            chars('\'', '"', "Quote", 222);
            chars(',', '<', "Comma", 188);
            chars('.', '>', "Period", 190);
            chars('/', '?', "Slash", 191);
            chars('`', '~', "Backquote", 192);
        }

        final String key;
        final String code;
        final int keyCode;
        final String text;
        final boolean shift;

        private Key(String key, String code, int keyCode, String text, boolean shift) {
            this.key = key;
            this.code = code;
            this.keyCode = keyCode;
            this.text = text;
            this.shift = shift;
        }

        private static void named(String key, String code, int keyCode, String text) {
            NAMED.put(key, new Key(key, code, keyCode, text, false));
        }

        private static void chars(char plain, char shifted, String code, int keyCode) {
            CHARS.put(plain, new Key(String.valueOf(plain), code, keyCode, String.valueOf(plain), false));
            if (shifted != plain) {
                CHARS.put(shifted, new Key(String.valueOf(shifted), code, keyCode, String.valueOf(shifted), true));
            }
        }

        static Key of(String key) {
            Key k = key.length() == 1 ? CHARS.get(key.charAt(0)) : NAMED.get(key);
            if (k == null) {
                throw new IllegalArgumentException("no key " + key + " on this keyboard: give a printable ASCII"
                        + " character or one of " + new java.util.TreeSet<>(NAMED.keySet()));
            }
            return k;
        }
    }
}
