package io.connscope.stacks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Netty native transport ({@code epoll} or {@code io_uring}, the argument) does besides plain
 * TCP exchanges through the same socket classes, in one run:
 * <ul>
 * <li>a Unix domain socket exchange, and a connected UDP socket sending datagrams: not TCP, so not
 * connections to follow;</li>
 * <li>an HTTP/1.1 server that answers {@value #REQUESTS} requests each with one composite buffer
 * (head and body in two direct buffers), which Netty writes with a gathering {@code writev};</li>
 * <li>a connect to a port nobody listens on, and a request the server answers with a reset (it
 * closes with SO_LINGER 0): the errors as the client's own handlers saw them.</li>
 * </ul>
 */
public final class NettyEdgesApp {

    public static final int REQUESTS = 5;
    static final String BODY = "composite body";

    /** One transport's channel classes. */
    private static final class Transport {
        final IoHandlerFactory io;
        final Class<? extends ServerChannel> server;
        final Class<? extends Channel> client;
        final Class<? extends ServerChannel> domainServer;
        final Class<? extends Channel> domainClient;
        final Class<? extends Channel> datagram;

        Transport(IoHandlerFactory io, Class<? extends ServerChannel> server, Class<? extends Channel> client,
                  Class<? extends ServerChannel> domainServer, Class<? extends Channel> domainClient,
                  Class<? extends Channel> datagram) {
            this.io = io;
            this.server = server;
            this.client = client;
            this.domainServer = domainServer;
            this.domainClient = domainClient;
            this.datagram = datagram;
        }
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "epoll";
        boolean uring = name.equals("io_uring");
        Throwable unavailable = uring ? IoUring.unavailabilityCause() : Epoll.unavailabilityCause();
        if (unavailable != null) {
            System.out.println("expect: stack=netty-edges-" + name + " available=false cause="
                + String.valueOf(unavailable).replace(' ', '_'));
            return;
        }
        Transport t = uring
            ? new Transport(IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class, IoUringSocketChannel.class,
                IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class, IoUringDatagramChannel.class)
            : new Transport(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class,
                EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class, EpollDatagramChannel.class);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, t.io);
        try {
            int domainBytes = unixDomainSocket(group, t);
            int datagrams = connectedUdp(group, t);
            int[] composite = compositeResponses(group, t);
            String[] refused = refusedConnect(group, t);
            String[] reset = resetRequest(group, t);
            System.out.println("expect: stack=netty-edges-" + name + " available=true uds.bytes=" + domainBytes
                + " udp.datagrams=" + datagrams + " port=" + composite[0] + " server.requests=" + composite[1]
                + " client.answered=" + composite[2] + " refused.port=" + refused[0] + " refused.error=" + refused[1]
                + " reset.port=" + reset[0] + " reset.error=" + reset[1]);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** {port, the client's own error}: a connect to a port that was just let go. */
    private static String[] refusedConnect(EventLoopGroup group, Transport t) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Throwable cause = new Bootstrap().group(group).channel(t.client).handler(new ChannelInboundHandlerAdapter())
            .connect("127.0.0.1", port).await().cause();
        return new String[] {String.valueOf(port), describe(cause)};
    }

    /**
     * {port, the client's own error}: the server reads a request and closes with SO_LINGER 0, so the
     * kernel answers with a reset, which the client's pending read gets.
     */
    private static String[] resetRequest(EventLoopGroup group, Transport t) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(t.server).childOption(ChannelOption.SO_LINGER, 0)
            .childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                    ctx.close();
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        CountDownLatch failed = new CountDownLatch(1);
        Throwable[] error = new Throwable[1];
        Channel client = new Bootstrap().group(group).channel(t.client)
            .handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    error[0] = cause;
                    failed.countDown();
                    ctx.close();
                }
            })
            .connect("127.0.0.1", port).sync().channel();
        client.writeAndFlush(Unpooled.copiedBuffer("GET /reset HTTP/1.1\r\nhost: x\r\n\r\n", StandardCharsets.US_ASCII))
            .sync();
        failed.await(10, TimeUnit.SECONDS);
        client.closeFuture().await(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        server.close().sync();
        return new String[] {String.valueOf(port), describe(error[0])};
    }

    /** An error's class and message, one word for the expect line. */
    private static String describe(Throwable e) {
        return e == null ? "none" : (e.getClass().getName() + ":" + e.getMessage()).replace(' ', '_');
    }

    /** A client sends 100 bytes over a Unix domain socket; the bytes the server read. */
    private static int unixDomainSocket(EventLoopGroup group, Transport t) throws Exception {
        Path path = Files.createTempDirectory("connscope-uds").resolve("s.sock");
        AtomicInteger read = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Channel server = new ServerBootstrap().group(group).channel(t.domainServer)
            .childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    if (read.addAndGet(b.readableBytes()) >= 100) {
                        all.countDown();
                    }
                    b.release();
                }
            })
            .bind(new DomainSocketAddress(path.toFile())).sync().channel();
        Channel client = new Bootstrap().group(group).channel(t.domainClient)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(new DomainSocketAddress(path.toFile())).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
        all.await(10, TimeUnit.SECONDS);
        client.close().sync();
        server.close().sync();
        return read.get();
    }

    /** A connected UDP socket sends 3 datagrams to a bound one; how many arrived. */
    private static int connectedUdp(EventLoopGroup group, Transport t) throws Exception {
        AtomicInteger received = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(3);
        Channel receiver = new Bootstrap().group(group).channel(t.datagram)
            .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    received.incrementAndGet();
                    all.countDown();
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        Channel sender = new Bootstrap().group(group).channel(t.datagram)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(receiver.localAddress()).sync().channel();
        for (int i = 0; i < 3; i++) {
            sender.writeAndFlush(Unpooled.wrappedBuffer(("datagram " + i).getBytes(StandardCharsets.US_ASCII))).sync();
        }
        all.await(10, TimeUnit.SECONDS);
        sender.close().sync();
        receiver.close().sync();
        return received.get();
    }

    /** {port, requests the server answered, answers the client got}. */
    private static int[] compositeResponses(EventLoopGroup group, Transport t) throws Exception {
        AtomicInteger served = new AtomicInteger();
        Channel server = new ServerBootstrap().group(group).channel(t.server)
            .childHandler(new ChannelInboundHandlerAdapter() {
                private final StringBuilder pending = new StringBuilder();

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    pending.append(b.toString(StandardCharsets.US_ASCII));
                    b.release();
                    for (int end; (end = pending.indexOf("\r\n\r\n")) >= 0; ) {
                        pending.delete(0, end + 4);
                        served.incrementAndGet();
                        byte[] head = ("HTTP/1.1 200 OK\r\ncontent-length: " + BODY.length() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                        // Two direct buffers in one composite: no single memory address, two NIO buffers, so Netty
                        // writes it with writev(ByteBuffer[]) (a heap composite would be copied to one direct buffer).
                        ByteBuf headBuf = ctx.alloc().directBuffer().writeBytes(head);
                        ByteBuf bodyBuf = ctx.alloc().directBuffer().writeBytes(BODY.getBytes(StandardCharsets.US_ASCII));
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(headBuf, bodyBuf));
                    }
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        int answered = 0;
        try (NettyHttpClient client = new NettyHttpClient(group, t.client, port)) {
            for (int i = 0; i < REQUESTS; i++) {
                answered += BODY.equals(client.get("/c/" + i)) ? 1 : 0;
            }
        }
        Thread.sleep(200);
        server.close().sync();
        return new int[] {port, served.get(), answered};
    }
}
