package io.connscope.agent.export.sender;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection to the collector, kept alive between exports: it sends a POST and reads
 * the response.
 */
final class PostConnection implements Closeable {

    /** Kept shorter than collectors' idle timeouts, so that a reused connection is rarely one they just closed. */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** A reused connection failed before any byte of the response: the collector had closed it. */
    static final class StaleConnectionException extends IOException {
        StaleConnectionException(IOException cause) {
            super("the kept-alive connection was closed by the collector", cause);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean reused;
    private boolean reusable = true;
    private long idleSince;

    private PostConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static PostConnection open(String host, int port, SSLSocketFactory tls, long connectTimeoutMillis, long deadlineNanos)
            throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), (int) Math.max(1, Math.min(connectTimeoutMillis, remainingMillis(deadlineNanos))));
            if (tls == null) {
                return new PostConnection(plain);
            }
            plain.setSoTimeout(remainingMillis(deadlineNanos));
            SSLSocket ssl = (SSLSocket) tls.createSocket(plain, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            return new PostConnection(ssl);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Not idle for too long, and the last response left it usable. */
    boolean usable() {
        return reusable && !socket.isClosed() && System.nanoTime() - idleSince < MAX_IDLE_NANOS;
    }

    /** Whether the connection can carry another request once this response is read. */
    boolean reusable() {
        return reusable;
    }

    PostResponse post(byte[] head, byte[] body, long deadlineNanos, long maxBody) throws IOException {
        boolean wasReused = reused;
        reused = true;
        boolean responding = false;
        try {
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            out.write(head);
            out.write(body);
            out.flush();
            in.mark(1);
            if (in.read() < 0) {
                throw new EOFException("the collector closed the connection without a response");
            }
            in.reset();
            responding = true;
            PostResponse response = ResponseReader.read(in, maxBody);
            if (response.closesConnection()) {
                reusable = false;
            }
            idleSince = System.nanoTime();
            return response;
        } catch (IOException e) {
            reusable = false;
            if (wasReused && !responding && !(e instanceof SocketTimeoutException)) {
                throw new StaleConnectionException(e);
            }
            throw e;
        }
    }

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (ms <= 0) {
            throw new SocketTimeoutException("the export timed out");
        }
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        reusable = false;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
