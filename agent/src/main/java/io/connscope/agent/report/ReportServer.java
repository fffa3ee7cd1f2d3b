package io.connscope.agent.report;

import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.runtime.AgentThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live report ({@code connscope.report.port}): the live view at {@code /} (the HTML report's
 * page, which refreshes its data itself), that data as JSON at {@code /api/report.json} for
 * scripts, and the text report at {@code /report.txt}, on the loopback address only, for requests that name it (see
 * {@link LiveReportRequest}). Its threads are connscope's, so its own connections are never
 * tracked, and daemons, so they never keep the JVM alive.
 *
 * <p>Slow or idle clients cannot lock it out: one selector thread reads every request head without
 * blocking; a head must arrive within {@link #HEAD_TIMEOUT_MS} and fit in {@link #MAX_HEAD} bytes;
 * a response must be taken within {@link #WRITE_TIMEOUT_MS}; at most {@link #MAX_CLIENTS}
 * connections are open at once, and a new one takes the place of the oldest still sending its head;
 * reports are rendered by one worker, {@link #RENDER_QUEUE} requests waiting at most (further ones
 * get 503), and a rendered report is shared by the requests of the next second, so that clients
 * that do not read cannot make it hold one copy each.
 */
public final class ReportServer {

    static final int MAX_CLIENTS = 64;
    static final long HEAD_TIMEOUT_MS = 5_000;
    static final long WRITE_TIMEOUT_MS = 30_000;
    static final int MAX_HEAD = 8 * 1024;
    static final int RENDER_QUEUE = 4;
    /** How long a rendered report serves further requests. */
    private static final long RENDER_REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Selector selector;
    private final ServerSocketChannel server;
    private final String boundAddress;
    private final int port;
    private final ThreadPoolExecutor renderer;
    /** Clients whose response the renderer finished, for the selector thread to write. */
    private final ConcurrentLinkedQueue<Client> rendered = new ConcurrentLinkedQueue<>();
    /** The last rendering of each report, shared by the requests that follow it closely. Render worker only. */
    private final Rendering html;
    private final Rendering text;
    private final Rendering json;
    private final long headTimeoutNanos;
    private final long writeTimeoutNanos;
    private volatile boolean running = true;

    private ReportServer(AgentThreads threads, ServerSocketChannel server, Supplier<String> html, Supplier<String> text,
                         Supplier<String> json, long headTimeoutMillis, long writeTimeoutMillis) throws IOException {
        this.headTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headTimeoutMillis);
        this.writeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(writeTimeoutMillis);
        this.server = server;
        this.selector = Selector.open();
        InetSocketAddress local = (InetSocketAddress) server.getLocalAddress();
        this.boundAddress = local.getAddress().getHostAddress();
        this.port = local.getPort();
        this.html = new Rendering(html, "text/html; charset=utf-8");
        this.text = new Rendering(text, "text/plain; charset=utf-8");
        this.json = new Rendering(json, "application/json");
        this.renderer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(RENDER_QUEUE),
            r -> threads.daemon("connscope-report-render", r));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    /**
     * Starts the endpoint on {@code 127.0.0.1:port}, or logs why it could not and returns null.
     *
     * @param html the live view's page
     * @param text the text report
     * @param json the live view's data
     */
    public static ReportServer start(AgentThreads threads, int port, Supplier<String> html, Supplier<String> text,
                                     Supplier<String> json) {
        return start(threads, port, html, text, json, HEAD_TIMEOUT_MS, WRITE_TIMEOUT_MS);
    }

    /** As {@link #start(AgentThreads, int, Supplier, Supplier, Supplier)}, with other timeouts (tests). */
    static ReportServer start(AgentThreads threads, int port, Supplier<String> html, Supplier<String> text,
                              Supplier<String> json, long headTimeoutMillis, long writeTimeoutMillis) {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            ReportServer s = new ReportServer(threads, channel, html, text, json, headTimeoutMillis, writeTimeoutMillis);
            threads.daemon("connscope-report", s::run).start();
            return s;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            AgentLog.info("the live report could not start on 127.0.0.1:" + port + " (" + e + "); the exit report is"
                + " unaffected");
            return null;
        }
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    public void stop() {
        running = false;
        renderer.shutdownNow();
        selector.wakeup();
    }

    private void run() {
        try {
            while (running) {
                selector.select(250);
                for (Client c; (c = rendered.poll()) != null; ) {
                    c.respond();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key);
                }
                expire(System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            AgentLog.once("live-report-loop", "the live report stopped: " + e, e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
        }
    }

    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept();
            return;
        }
        try {
            if (key.isReadable()) {
                ((Client) key.attachment()).read();
            } else if (key.isWritable()) {
                ((Client) key.attachment()).write();
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(key.channel()); // that client only
        }
    }

    /** Takes the connections waiting; a failure (too many open files) costs that connection, not the server. */
    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException | RuntimeException e) {
                AgentLog.once("live-report-accept", "the live report could not accept a connection: " + e, e);
                return;
            }
            if (channel == null) {
                return;
            }
            try {
                if (clients() >= MAX_CLIENTS) {
                    evictOldestReading();
                }
                channel.configureBlocking(false);
                Client c = new Client(channel);
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
            }
        }
    }

    private int clients() {
        int n = 0;
        for (SelectionKey key : selector.keys()) {
            n += key.isValid() && key.attachment() instanceof Client ? 1 : 0;
        }
        return n;
    }

    /** Makes room: the connection that has been sending its head the longest goes. */
    private void evictOldestReading() {
        SelectionKey oldest = null;
        for (SelectionKey key : selector.keys()) {
            Object c = key.attachment();
            if (key.isValid() && c instanceof Client && ((Client) c).reading()
                && (oldest == null || ((Client) c).since - ((Client) oldest.attachment()).since < 0)) {
                oldest = key;
            }
        }
        if (oldest != null) {
            closeQuietly(oldest.channel());
        }
    }

    private void expire(long now) {
        for (SelectionKey key : selector.keys()) {
            Object c = key.attachment();
            if (c instanceof Client && !((Client) c).rendering && now - ((Client) c).deadline > 0) {
                closeQuietly(key.channel());
            }
        }
    }

    /** One connection: its head as it arrives, then its response. Selector thread only, but for the rendering. */
    private final class Client {
        final SocketChannel channel;
        SelectionKey key;
        final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
        /** How far the head has been searched for its end. */
        private int searched;
        final long since = System.nanoTime();
        long deadline = since + headTimeoutNanos;
        /** Waiting for the renderer, which is bounded by itself: no deadline until it is done. */
        boolean rendering;
        /** The response head, and the body (shared with other clients of the same rendering). */
        volatile ByteBuffer[] response;

        Client(SocketChannel channel) {
            this.channel = channel;
        }

        /** Still sending its head. */
        boolean reading() {
            return response == null && !rendering;
        }

        void read() throws IOException {
            if (channel.read(head) < 0) {
                closeQuietly(channel);
                return;
            }
            int end = headEnd();
            if (end < 0) {
                if (!head.hasRemaining()) {
                    answer(431, "text/plain; charset=utf-8", "request head too large\n");
                }
                return;
            }
            key.interestOps(0);
            LiveReportRequest.Answer a = LiveReportRequest.answer(head.array(), end, boundAddress, port);
            Rendering report = a == LiveReportRequest.Answer.HTML ? html : a == LiveReportRequest.Answer.TEXT ? text
                : a == LiveReportRequest.Answer.JSON ? json : null;
            if (report != null) {
                render(report);
            } else {
                answer(a.status, "text/plain; charset=utf-8", a.name().toLowerCase(Locale.ROOT).replace('_', ' ') + "\n");
            }
        }

        /** Where the head ends (its blank line), or -1 while it is incomplete; each byte is looked at once. */
        private int headEnd() {
            byte[] b = head.array();
            for (int i = searched; i < head.position(); i++) {
                if (b[i] == '\n' && (i >= 1 && b[i - 1] == '\n' || i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n')) {
                    return i + 1;
                }
            }
            searched = head.position();
            return -1;
        }

        private void render(Rendering report) {
            rendering = true;
            try {
                renderer.execute(() -> {
                    try {
                        response = report.response();
                    } catch (Throwable e) {
                        AgentLog.once("live-report-failed", "the live report failed to render: " + e, e);
                        response = response(500, "text/plain; charset=utf-8", "the report failed to render\n");
                    } finally {
                        rendered.add(this);
                        selector.wakeup();
                    }
                });
            } catch (RejectedExecutionException busy) {
                answer(503, "text/plain; charset=utf-8", "busy: try again\n");
            }
        }

        private void answer(int status, String type, String body) {
            response = response(status, type, body);
            respond();
        }

        /** Starts writing the response, with its own deadline. */
        void respond() {
            rendering = false;
            deadline = System.nanoTime() + writeTimeoutNanos;
            if (key.isValid()) {
                key.interestOps(SelectionKey.OP_WRITE);
            }
        }

        void write() throws IOException {
            ByteBuffer[] r = response;
            channel.write(r);
            for (ByteBuffer part : r) {
                if (part.hasRemaining()) {
                    return;
                }
            }
            closeQuietly(channel);
        }
    }

    /** One report's latest rendering, as UTF-8, and when it was made. Render worker only. */
    private static final class Rendering {
        private final Supplier<String> report;
        private final String type;
        private byte[] body;
        private long at;

        Rendering(Supplier<String> report, String type) {
            this.report = report;
            this.type = type;
        }

        ByteBuffer[] response() {
            long now = System.nanoTime();
            if (body == null || now - at > RENDER_REUSE_NANOS) {
                body = report.get().getBytes(StandardCharsets.UTF_8);
                at = now;
            }
            return new ByteBuffer[] {head(200, type, body.length), ByteBuffer.wrap(body)};
        }
    }

    private static ByteBuffer[] response(int status, String type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return new ByteBuffer[] {head(status, type, b.length), ByteBuffer.wrap(b)};
    }

    private static ByteBuffer head(int status, String type, int length) {
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
            + "Content-Type: " + type + "\r\n"
            + "Content-Length: " + length + "\r\n"
            + "Cache-Control: no-store\r\n"
            + "X-Content-Type-Options: nosniff\r\n"
            + "Referrer-Policy: no-referrer\r\n"
            // The page is self-contained: its own inline script and styles, nothing fetched.
            + "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
            + " img-src data:; connect-src 'self'; frame-ancestors 'none'\r\n"
            + "Connection: close\r\n\r\n";
        return ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            default: return "Service Unavailable";
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException ignored) {
                // closing what is already broken
            }
        }
    }
}
