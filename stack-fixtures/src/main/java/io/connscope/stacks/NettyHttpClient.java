package io.connscope.stacks;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Netty HTTP/1.1 client on one keep-alive connection: one GET at a time, each waiting for its body. */
final class NettyHttpClient implements AutoCloseable {

    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Channel channel;
    private final String host;

    NettyHttpClient(EventLoopGroup group, Class<? extends Channel> type, int port) throws InterruptedException {
        host = "127.0.0.1:" + port;
        channel = new Bootstrap().group(group).channel(type)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                                answers.add(res.content().toString(StandardCharsets.US_ASCII));
                            }
                        });
                }
            })
            .connect("127.0.0.1", port).sync().channel();
    }

    /** The body of the answer to a GET of {@code path}, or null when none came within 10 s. */
    String get(String path) throws InterruptedException {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        req.headers().set(HttpHeaderNames.HOST, host);
        channel.writeAndFlush(req).sync();
        return answers.poll(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
    }
}
