package io.connscope.bench.workload;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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
import java.net.InetSocketAddress;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive GETs on Netty 4.1's epoll transport, the one Reactor Netty and Spring WebFlux
 * run on in Linux: a Netty client and server, one connection, one request at a time per thread.
 */
final class NettyEpollGet implements Workload {

    private static final byte[] BODY = new byte[64];

    private final EpollEventLoopGroup group = new EpollEventLoopGroup(2);
    private final Channel server;
    private final Channel client;
    private final SynchronousQueue<Integer> answers = new SynchronousQueue<>();
    private final String host;

    NettyEpollGet() throws InterruptedException {
        Epoll.ensureAvailability();
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
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
        client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
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
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
