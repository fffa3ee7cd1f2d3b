package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Netty's HTTP/2 server over TLS (ALPN h2), resetting streams the way servers do:
 * <ul>
 *   <li>{@code /busy…}: refused with RST_STREAM REFUSED_STREAM once the request is in, the way a server
 *       that sheds load says "not processed, try again": the request is never handed to the application;</li>
 *   <li>{@code /crash…}: the request is read to its end and processed, then the stream is reset with
 *       INTERNAL_ERROR, as when a handler fails before it answers;</li>
 *   <li>anything else: 200 with a short body, once the request has ended.</li>
 * </ul>
 * Counts what it refused and what it processed: the truth the client's view is checked against.
 */
final class Http2ResetServer implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel channel;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger processed = new AtomicInteger();

    Http2ResetServer() throws Exception {
        SslContext tls = SslContextBuilder.forServer(LoopbackTls.keyManagers()).sslProvider(SslProvider.JDK)
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
            .build();
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()), Http2FrameCodecBuilder.forServer().build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel stream) {
                                stream.pipeline().addLast(new StreamHandler());
                            }
                        }));
                }
            });
        channel = DemoPorts.bind(port -> bootstrap.bind("127.0.0.1", port).sync().channel(),
            c -> ((InetSocketAddress) c.localAddress()).getPort());
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Streams refused before processing. */
    int refused() {
        return refused.get();
    }

    /** Requests handed to the application: answered, or processed and then reset. */
    int processed() {
        return processed.get();
    }

    private final class StreamHandler extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private String path = "";

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            boolean ended;
            if (frame instanceof Http2HeadersFrame) {
                Http2HeadersFrame headers = (Http2HeadersFrame) frame;
                path = String.valueOf(headers.headers().path());
                ended = headers.isEndStream();
            } else if (frame instanceof Http2DataFrame) {
                ended = ((Http2DataFrame) frame).isEndStream();
            } else {
                return;
            }
            if (!ended) {
                return;
            }
            if (path.startsWith("/busy")) {
                refused.incrementAndGet();
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                return;
            }
            processed.incrementAndGet();
            if (path.startsWith("/crash")) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                return;
            }
            ByteBuf body = Unpooled.copiedBuffer("ok " + path + "\n", StandardCharsets.US_ASCII);
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                .setInt("content-length", body.readableBytes())));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true));
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
}
