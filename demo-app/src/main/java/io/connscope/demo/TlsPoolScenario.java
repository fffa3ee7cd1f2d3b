package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A pool filling up: TLS connections sharing one SSLContext, the first ones begun together before
 * any session existed (each must pay a full handshake: there is nothing to resume yet), then one
 * more once they are done, which resumes. Good handling: no warning. The client times its own
 * handshakes, so their overlap and the resumption are measured without connscope.
 */
final class TlsPoolScenario implements Scenario {

    static final int TOGETHER = 3;

    @Override
    public String name() {
        return "tls-pool";
    }

    @Override
    public String description() {
        return TOGETHER + " TLS connections begun together with one SSLContext, then one that resumes: no warning";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        SSLContext serverContext = LoopbackTls.context();
        SSLContext client = LoopbackTls.context();
        try (SSLServerSocket listener = (SSLServerSocket) DemoPorts.listen(serverContext.getServerSocketFactory(), 50)) {
            Thread acceptor = new Thread(() -> serve(listener), "demo-tls-pool-server");
            acceptor.setDaemon(true);
            acceptor.start();
            int port = listener.getLocalPort();
            CountDownLatch go = new CountDownLatch(1);
            AtomicLong firstEnd = new AtomicLong(Long.MAX_VALUE);
            AtomicLong lastStart = new AtomicLong();
            List<Thread> together = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < TOGETHER; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        exchange(client, port, lastStart, firstEnd);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "demo-tls-pool-" + i);
                t.start();
                together.add(t);
            }
            go.countDown();
            for (Thread t : together) {
                t.join(30_000);
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a pooled TLS connection failed", failures.get(0));
            }
            boolean overlapped = lastStart.get() < firstEnd.get();
            boolean resumed = exchange(client, port, new AtomicLong(), new AtomicLong(Long.MAX_VALUE));
            out.printf("  %d handshakes begun together (%s), then one more: %s%n", TOGETHER,
                overlapped ? "each began before any had ended" : "they did not overlap", resumed ? "resumed" : "full");
            out.println("expect: tls.pool=" + TOGETHER + " client.overlapped=" + overlapped + " client.resumed=" + resumed
                + " port=" + port);
        }
    }

    /** One request on a new connection; true when its handshake resumed a session (created before it began). */
    private static boolean exchange(SSLContext context, int port, AtomicLong lastStart, AtomicLong firstEnd)
        throws Exception {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            long startMillis = System.currentTimeMillis();
            long start = System.nanoTime();
            lastStart.accumulateAndGet(start, Math::max);
            s.startHandshake();
            firstEnd.accumulateAndGet(System.nanoTime(), Math::min);
            OutputStream o = s.getOutputStream();
            o.write(TlsScenario.REQUEST);
            o.flush();
            LoopbackServer.readExactly(s.getInputStream(), TlsScenario.RESPONSE.length);
            return s.getSession().getCreationTime() < startMillis;
        }
    }

    /** A thread per connection, so that handshakes begun together run together. */
    private static void serve(SSLServerSocket listener) {
        try {
            while (true) {
                Socket s = listener.accept();
                Thread t = new Thread(() -> {
                    try (Socket c = s) {
                        c.setTcpNoDelay(true);
                        InputStream in = c.getInputStream();
                        LoopbackServer.readExactly(in, TlsScenario.REQUEST.length);
                        c.getOutputStream().write(TlsScenario.RESPONSE);
                        c.getOutputStream().flush();
                        in.readAllBytes(); // until the client's close_notify
                    } catch (Exception e) {
                        // the client went away; the client's side reports what matters
                    }
                }, "demo-tls-pool-connection");
                t.setDaemon(true);
                t.start();
            }
        } catch (Exception closed) {
            // the listener closed at the end
        }
    }
}
