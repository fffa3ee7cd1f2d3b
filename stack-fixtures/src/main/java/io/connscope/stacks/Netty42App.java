package io.connscope.stacks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Netty 4.2 HTTP/1.1 server and client in one JVM, on the native transport named by the argument
 * ({@code epoll} or {@code io_uring}): {@value #REQUESTS} keep-alive GETs over one connection, then
 * the client closes. Prints the server's own counts, or, when the kernel refuses the transport, why.
 */
public final class Netty42App {

    public static final int REQUESTS = 10;
    static final String BODY = "hello from netty 4.2";

    public static void main(String[] args) throws Exception {
        watchdog();
        boolean uring = args[0].equals("io_uring");
        Throwable unavailable = uring ? IoUring.unavailabilityCause() : Epoll.unavailabilityCause();
        if (unavailable != null) {
            System.out.println("expect: stack=netty42-" + args[0] + " available=false cause="
                + String.valueOf(unavailable).replace(' ', '_'));
            return;
        }
        IoHandlerFactory io = uring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel = uring ? IoUringServerSocketChannel.class : EpollServerSocketChannel.class;
        Class<? extends Channel> clientChannel = uring ? IoUringSocketChannel.class : EpollSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, io);
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        WireCount wire = new WireCount();
        try {
            Channel server = new ServerBootstrap().group(group).channel(serverChannel)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(wire, new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                    served.incrementAndGet();
                                    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                        Unpooled.copiedBuffer(BODY, StandardCharsets.US_ASCII));
                                    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                                        .setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
                                    ctx.writeAndFlush(res);
                                }
                            });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            int answered = 0;
            try (NettyHttpClient client = new NettyHttpClient(group, clientChannel, port)) {
                for (int i = 0; i < REQUESTS; i++) {
                    answered += BODY.equals(client.get("/items/" + i)) ? 1 : 0;
                }
            }
            // Let the server see the client's close before it stops.
            Thread.sleep(200);
            server.close().sync();
            System.out.println("expect: stack=netty42-" + args[0] + " available=true port=" + port + " server.requests="
                + served.get() + " server.connections=" + connections.get() + " client.answered=" + answered
                + " server.bytes_in=" + wire.in.get() + " server.bytes_out=" + wire.out.get());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The bytes the server's channels read and wrote, as Netty hands them over: the server's own count. */
    @ChannelHandler.Sharable
    static final class WireCount extends ChannelDuplexHandler {
        final AtomicLong in = new AtomicLong();
        final AtomicLong out = new AtomicLong();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            in.addAndGet(((ByteBuf) msg).readableBytes());
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            int n = ((ByteBuf) msg).readableBytes();
            ctx.write(msg, promise.unvoid().addListener(f -> {
                if (f.isSuccess()) {
                    out.addAndGet(n);
                }
            }));
        }
    }

    /**
     * A run that has not ended after 60 s prints every thread's stack and exits with 3: a hang (one
     * io_uring run in a CI batch did not end) then says where it was, instead of a bare timeout.
     */
    private static void watchdog() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                return;
            }
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                System.err.println("\"" + thread.getName() + "\" " + thread.getState());
                for (StackTraceElement frame : stack) {
                    System.err.println("    at " + frame);
                }
            });
            System.err.flush();
            Runtime.getRuntime().halt(3);
        }, "netty42app-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
