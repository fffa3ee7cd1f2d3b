package io.connscope.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.runtime.AgentThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The live report's own limits, against real sockets. */
class ReportServerTest {

    private final List<Socket> sockets = new ArrayList<>();
    private ReportServer server;

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private int start(Supplier<String> html, long headTimeoutMillis, long writeTimeoutMillis) {
        server = ReportServer.start(new AgentThreads(), 0, html, () -> "text", () -> "{}", headTimeoutMillis,
            writeTimeoutMillis);
        assertThat(server).isNotNull();
        return server.port();
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String request(int port) {
        return "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n";
    }

    private String get(int port) throws IOException {
        Socket s = connect(port);
        s.getOutputStream().write(request(port).getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aNewClientTakesThePlaceOfTheOldestStillSendingItsHead() throws Exception {
        int port = start(() -> "report", 60_000, 60_000);
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < ReportServer.MAX_CLIENTS; i++) {
            Socket s = connect(port);
            s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            idle.add(s);
            Thread.sleep(2); // an order the server can tell
        }
        assertThat(get(port)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("report");
        assertThat(idle.get(0).getInputStream().read()).as("the oldest was let go").isEqualTo(-1);
        idle.get(idle.size() - 1).setSoTimeout(300);
        assertThat(readsNothing(idle.get(idle.size() - 1))).as("the newest is still waited for").isTrue();
    }

    @Test
    void requestsBeyondTheRenderQueueGet503AndTheOthersTheirReport() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger renders = new AtomicInteger();
        int port = start(() -> {
            renders.incrementAndGet();
            await(release);
            return "report";
        }, 60_000, 60_000);
        List<Socket> waiting = new ArrayList<>();
        for (int i = 0; i < 1 + ReportServer.RENDER_QUEUE; i++) { // one rendering, four queued
            Socket s = connect(port);
            s.getOutputStream().write(request(port).getBytes(StandardCharsets.US_ASCII));
            waiting.add(s);
        }
        Thread.sleep(300);
        assertThat(get(port)).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
        release.countDown();
        for (Socket s : waiting) {
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("HTTP/1.1 200 OK\r\n").endsWith("report");
        }
        assertThat(renders).as("one rendering serves the requests of the next second").hasValue(1);
    }

    @Test
    void aClientThatDoesNotTakeItsResponseIsLetGo() throws Exception {
        String big = "x".repeat(32 << 20); // more than the socket buffers hold
        int port = start(() -> big, 60_000, 300);
        Socket s = connect(port);
        s.getOutputStream().write(request(port).getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(1_500); // reads nothing for longer than the write timeout
        long received = s.getInputStream().readAllBytes().length;
        assertThat(received).as("bytes before the server gave up").isLessThan(big.length());
    }

    @Test
    void aHeadThatDoesNotArriveInTimeIsLetGo() throws Exception {
        int port = start(() -> "report", 300, 60_000);
        Socket s = connect(port);
        s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        long start = System.nanoTime();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    private static boolean readsNothing(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            in.read();
            return false;
        } catch (java.net.SocketTimeoutException still) {
            return true;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
