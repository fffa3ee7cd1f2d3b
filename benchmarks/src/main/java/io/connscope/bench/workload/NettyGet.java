package io.connscope.bench.workload;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.incubator.channel.uring.IOUring;
import io.netty.incubator.channel.uring.IOUringEventLoopGroup;
import io.netty.incubator.channel.uring.IOUringServerSocketChannel;
import io.netty.incubator.channel.uring.IOUringSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive GETs on a Netty 4.1 native transport, the ones Reactor Netty and Spring WebFlux
 * run on in Linux: epoll, or the incubator's io_uring (which Reactor Netty prefers when present). A
 * Netty client and server, one connection, one request at a time per thread.
 */
final class NettyGet implements Workload {

    private static final byte[] BODY = new byte[64];

    private final EventLoopGroup group;
    private final Channel server;
    private final Channel client;
    private final SynchronousQueue<Integer> answers = new SynchronousQueue<>();
    private final String host;

    /** On io_uring when {@code uring}, else on epoll. */
    NettyGet(boolean uring) throws InterruptedException {
        Class<? extends ServerChannel> serverChannel;
        Class<? extends Channel> clientChannel;
        if (uring) {
            IOUring.ensureAvailability();
            group = new IOUringEventLoopGroup(2);
            serverChannel = IOUringServerSocketChannel.class;
            clientChannel = IOUringSocketChannel.class;
        } else {
            Epoll.ensureAvailability();
            group = new EpollEventLoopGroup(2);
            serverChannel = EpollServerSocketChannel.class;
            clientChannel = EpollSocketChannel.class;
        }
        server = new ServerBootstrap().group(group).channel(serverChannel)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                    Unpooled.wrappedBuffer(BODY));
                                res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
                                ctx.writeAndFlush(res);
                            }
                        });
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        host = "127.0.0.1:" + port;
        client = new Bootstrap().group(group).channel(clientChannel)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) throws Exception {
                                ByteBuf content = res.content();
                                answers.put(content.readableBytes());
                            }
                        });
                }
            })
            .connect("127.0.0.1", port).sync().channel();
    }

    @Override
    public void request() throws Exception {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/items");
        req.headers().set(HttpHeaderNames.HOST, host);
        client.writeAndFlush(req);
        Integer n = answers.poll(10, TimeUnit.SECONDS);
        if (n == null || n != BODY.length) {
            throw new IllegalStateException("no complete answer from the Netty server: " + n);
        }
    }

    @Override
    public void close() throws InterruptedException {
        client.close().sync();
        server.close().sync();
        // Bounded: the incubator's io_uring loop can miss its termination now and then (no agent involved).
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
