package io.connscope.stacks;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.conscrypt.Conscrypt;

/**
 * Two TLS connections, one after the other, from one client context, to OpenSSL's own test server
 * ({@code openssl s_server -www}), through a TLS engine that is not the JDK's: {@code conscrypt}
 * (Conscrypt's SSLSocket over its engine) or {@code boringssl} (grpc-netty-shaded's Netty and BoringSSL).
 * OpenSSL's status page says, for each connection, whether it resumed a session: "New" or "Reused".
 * That is the truth connscope's tls.resumed is checked against. The connections are more than a
 * second apart: OpenSSL keeps a session's creation time in whole seconds.
 */
public final class TlsResumptionApp {

    private static final Contexts CONTEXTS = new Contexts();

    public static void main(String[] args) throws Exception {
        String engine = args[0];
        Path dir = Files.createTempDirectory("connscope-resumption");
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
            "-key", key.toString(), "-www").redirectErrorStream(true).start();
        try {
            awaitAccepting(server);
            String[] pages = new String[2];
            for (int i = 0; i < 2; i++) {
                if (i > 0) {
                    Thread.sleep(1_200);
                }
                pages[i] = engine.equals("conscrypt") ? conscrypt(cert, port) : boringSsl(cert, port);
            }
            System.out.println("expect: stack=tls-resumption-" + engine + " port=" + port + " first=" + session(pages[0])
                + " second=" + session(pages[1]) + " protocol=" + protocol(pages[1]));
        } finally {
            CONTEXTS.close();
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Conscrypt's SSLSocket, in its engine mode (an SSLEngine over a plain socket): "GET / HTTP/1.0",
     * and the page until the server closes. One SSLContext, and so one session cache, for both.
     */
    private static String conscrypt(Path cert, int port) throws Exception {
        SSLContext tls = CONTEXTS.conscrypt(cert);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** One client context per engine for both connections: its session cache is what a resumption comes from. */
    private static final class Contexts {
        private SSLContext conscrypt;
        private SslContext boringSsl;
        private EventLoopGroup group;

        synchronized SSLContext conscrypt(Path cert) throws Exception {
            if (conscrypt == null) {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                try (InputStream in = Files.newInputStream(cert)) {
                    trusted.setCertificateEntry("s_server", CertificateFactory.getInstance("X.509").generateCertificate(in));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                // Its file-descriptor socket, the default, needs java.net opened to it on JDK 17 and later.
                Conscrypt.setUseEngineSocketByDefault(true);
                conscrypt = SSLContext.getInstance("TLS", Conscrypt.newProvider());
                conscrypt.init(null, tmf.getTrustManagers(), null);
            }
            return conscrypt;
        }

        synchronized SslContext boringSsl(Path cert) throws Exception {
            if (boringSsl == null) {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("grpc-netty-shaded's BoringSSL did not load", OpenSsl.unavailabilityCause());
                }
                boringSsl = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(cert.toFile()).build();
                group = new NioEventLoopGroup(1);
            }
            return boringSsl;
        }

        synchronized void close() throws InterruptedException {
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    /** grpc-netty-shaded's Netty with its BoringSSL engine: "GET / HTTP/1.0", and the page until the server closes. */
    private static String boringSsl(Path cert, int port) throws Exception {
        SslContext tls = CONTEXTS.boringSsl(cert);
        CompletableFuture<String> page = new CompletableFuture<>();
        StringBuilder received = new StringBuilder();
        Channel channel = new Bootstrap().group(CONTEXTS.group).channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port), new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                            if (event instanceof SslHandshakeCompletionEvent) {
                                SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) event;
                                if (done.isSuccess()) {
                                    ctx.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.0\r\n\r\n", StandardCharsets.US_ASCII));
                                } else {
                                    page.completeExceptionally(done.cause());
                                }
                            }
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            received.append(b.toString(StandardCharsets.US_ASCII));
                            b.release();
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            page.complete(received.toString());
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            page.completeExceptionally(cause);
                            ctx.close();
                        }
                    });
                }
            })
            .connect("127.0.0.1", port).sync().channel();
        try {
            return page.get(20, TimeUnit.SECONDS);
        } finally {
            channel.close().sync();
        }
    }

    /** "New" or "Reused", from the line OpenSSL's status page gives the session. */
    private static String session(String page) {
        for (String line : page.split("\n")) {
            if (line.startsWith("New, ") || line.startsWith("Reused, ")) {
                return line.substring(0, line.indexOf(','));
            }
        }
        return "unknown";
    }

    /** "TLSv1.3" and the like, from the same line. */
    private static String protocol(String page) {
        for (String line : page.split("\n")) {
            if (line.startsWith("New, ") || line.startsWith("Reused, ")) {
                return line.split(", ")[1];
            }
        }
        return "unknown";
    }

    private static void awaitAccepting(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("ACCEPT")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // s_server's log, read so that it never blocks on a full pipe
                        }
                    } catch (java.io.IOException ignored) {
                        // it stopped
                    }
                }, "s_server-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("openssl s_server ended before it accepted");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }
}
