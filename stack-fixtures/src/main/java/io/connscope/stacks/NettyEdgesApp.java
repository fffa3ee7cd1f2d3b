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
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What Netty's epoll transport does besides TCP through the same socket classes, and a write form
 * the plain path does not use, in one run:
 * <ul>
 * <li>a Unix domain socket exchange, and a connected UDP socket sending datagrams: not TCP, so not
 * connections to follow;</li>
 * <li>an HTTP/1.1 server that answers {@value #REQUESTS} requests each with one composite buffer
 * (head and body in two direct buffers), which Netty writes with a gathering {@code writev}.</li>
 * </ul>
 */
public final class NettyEdgesApp {

    public static final int REQUESTS = 5;
    static final String BODY = "composite body";

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            int domainBytes = unixDomainSocket(group);
            int datagrams = connectedUdp(group);
            int[] composite = compositeResponses(group);
            System.out.println("expect: stack=netty-edges uds.bytes=" + domainBytes + " udp.datagrams=" + datagrams
                + " port=" + composite[0] + " server.requests=" + composite[1] + " client.answered=" + composite[2]);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** A client sends 100 bytes over a Unix domain socket; the bytes the server read. */
    private static int unixDomainSocket(EventLoopGroup group) throws Exception {
        Path path = Files.createTempDirectory("connscope-uds").resolve("s.sock");
        AtomicInteger read = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Channel server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
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
        Channel client = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(new DomainSocketAddress(path.toFile())).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
        all.await(10, TimeUnit.SECONDS);
        client.close().sync();
        server.close().sync();
        return read.get();
    }

    /** A connected UDP socket sends 3 datagrams to a bound one; how many arrived. */
    private static int connectedUdp(EventLoopGroup group) throws Exception {
        AtomicInteger received = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(3);
        Channel receiver = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
            .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    received.incrementAndGet();
                    all.countDown();
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        Channel sender = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
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
    private static int[] compositeResponses(EventLoopGroup group) throws Exception {
        AtomicInteger served = new AtomicInteger();
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
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
        try (NettyHttpClient client = new NettyHttpClient(group, EpollSocketChannel.class, port)) {
            for (int i = 0; i < REQUESTS; i++) {
                answered += BODY.equals(client.get("/c/" + i)) ? 1 : 0;
            }
        }
        Thread.sleep(200);
        server.close().sync();
        return new int[] {port, served.get(), answered};
    }
}
