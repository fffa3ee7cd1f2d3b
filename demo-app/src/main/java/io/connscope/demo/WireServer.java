package io.connscope.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A deliberately simple HTTP/1.x server on a plain ServerSocket, whose misbehaviour is chosen by
 * the request path, so the demo can show what connscope says about each:
 * <ul>
 *   <li>{@code /close-delimited}: a body without length, ended by closing the connection;</li>
 *   <li>{@code /truncated}: Content-Length 100, then 40 bytes and a close;</li>
 *   <li>{@code /close}: an answer with Connection: close, then a graceful close (half-close, read to EOF);</li>
 *   <li>{@code /drop-once…}: the first request to that path is read and left unanswered (the connection closes);</li>
 *   <li>{@code /drop-reused…}: requests on a reused connection are read and left unanswered;</li>
 *   <li>anything else: 200 with a short body.</li>
 * </ul>
 * HTTP/1.0 requests get HTTP/1.0 answers without keep-alive. Idle keep-alive connections are closed
 * after {@code idleCloseMillis} (0: never), whatever the advertised Keep-Alive timeout says.
 */
final class WireServer implements AutoCloseable {

    static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);
    static final int TRUNCATED_DECLARED = 100;
    static final int TRUNCATED_SENT = 40;

    private final ServerSocket server;
    private final int idleCloseMillis;
    private final int advertisedTimeoutSeconds;
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final SSLContext tls;

    /**
     * @param idleCloseMillis close a keep-alive connection idle this long (0: never)
     * @param advertisedTimeoutSeconds send Keep-Alive: timeout=N (0: no Keep-Alive header)
     */
    WireServer(int idleCloseMillis, int advertisedTimeoutSeconds) throws IOException {
        this(idleCloseMillis, advertisedTimeoutSeconds, null);
    }

    /** Over TLS when {@code tls} is given: each accepted socket is wrapped in a server-mode SSLSocket. */
    WireServer(int idleCloseMillis, int advertisedTimeoutSeconds, SSLContext tls) throws IOException {
        this.server = DemoPorts.listen(50);
        this.tls = tls;
        this.idleCloseMillis = idleCloseMillis;
        this.advertisedTimeoutSeconds = advertisedTimeoutSeconds;
        this.acceptor = new Thread(this::acceptLoop, "wire-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Requests read, answered or not. */
    int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "wire-server-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket accepted) {
        try (Socket s = tls == null ? accepted : tls.getSocketFactory().createSocket(accepted, null, true)) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (int index = 1; ; index++) {
                s.setSoTimeout(index > 1 && idleCloseMillis > 0 ? idleCloseMillis : 0);
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException idle) {
                    return; // the idle keep-alive connection is closed, without telling the client
                }
                if (first < 0) {
                    return;
                }
                s.setSoTimeout(0);
                Request r = Request.read(in, first);
                requests.incrementAndGet();
                if (r.path.equals("/close")) {
                    // Connection: close, done right: half-close, then read what the client still sends until its EOF.
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length + "\r\nConnection: close\r\n\r\n", BODY);
                    s.shutdownOutput();
                    in.readAllBytes();
                    return;
                }
                if (!answer(r, index, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }

    /** Answers one request; false when the connection is to be closed now. */
    private boolean answer(Request r, int index, OutputStream out) throws IOException {
        if (r.path.startsWith("/drop-once") && dropped.add(r.path) || r.path.startsWith("/drop-reused") && index > 1) {
            return false;
        }
        boolean http10 = r.version.equals("HTTP/1.0");
        String status = (http10 ? "HTTP/1.0" : "HTTP/1.1") + " 200 OK\r\n";
        switch (r.path) {
            case "/close-delimited":
                write(out, status + "Content-Type: text/plain\r\n\r\n", BODY);
                return false;
            case "/conflicting-length":
                write(out, status + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n",
                    "hello".getBytes(StandardCharsets.US_ASCII));
                return false;
            case "/truncated":
                write(out, status + "Content-Length: " + TRUNCATED_DECLARED + "\r\n\r\n", new byte[TRUNCATED_SENT]);
                return false;
            default:
                String keepAlive = !http10 && advertisedTimeoutSeconds > 0
                    ? "Keep-Alive: timeout=" + advertisedTimeoutSeconds + "\r\n" : "";
                write(out, status + "Content-Length: " + BODY.length + "\r\n" + keepAlive + "\r\n", BODY);
                return !http10;
        }
    }

    private static void write(OutputStream out, String head, byte[] body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(head.getBytes(StandardCharsets.US_ASCII));
        b.write(body);
        out.write(b.toByteArray()); // one write: no Nagle stall between head and body
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** The parts of a request this server looks at; the body is read and discarded. */
    static final class Request {
        final String method;
        final String path;
        final String version;

        private Request(String method, String path, String version) {
            this.method = method;
            this.path = path;
            this.version = version;
        }

        static Request read(InputStream in, int first) throws IOException {
            String line = (char) first + line(in);
            String[] parts = line.split(" ");
            if (parts.length != 3) {
                throw new IOException("bad request line: " + line);
            }
            long length = 0;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                    length = Long.parseLong(h.substring(colon + 1).trim());
                }
            }
            in.readNBytes((int) length);
            int query = parts[1].indexOf('?');
            return new Request(parts[0], query < 0 ? parts[1] : parts[1].substring(0, query), parts[2]);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed inside a request head");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }
}
