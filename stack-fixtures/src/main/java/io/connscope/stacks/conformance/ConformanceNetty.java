package io.connscope.stacks.conformance;

import io.connscope.testsupport.LoopbackTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 in the conformance runs, on epoll where the kernel has it (else NIO), as a server and as a
 * client: its HTTP/1.1 codec with an aggregator, the way Netty's own examples write them. Netty has no
 * connection pool: the client keeps one connection per session and opens another when the server
 * closed it (or said it would).
 */
final class ConformanceNetty {

    private ConformanceNetty() {
    }

    /** Netty's transport here: {@code epoll} on Linux x86_64 with its native library, else {@code nio}. */
    static String transport() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    private static EventLoopGroup group() {
        return new MultiThreadIoEventLoopGroup(1, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** Netty's HTTP/1.1 server codec, answering each request in one write, keeping the connection when the client asks to. */
    static ConformanceServers.Running server() throws InterruptedException {
        EventLoopGroup group = group();
        Class<? extends ServerChannel> type = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ConformanceServers.Running[] self = new ConformanceServers.Running[1];
        Channel listener = new ServerBootstrap().group(group).channel(type)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                byte[] b = self[0].answer(URI.create(req.uri()).getPath());
                                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                    Unpooled.wrappedBuffer(b));
                                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                                    .setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
                                boolean keepAlive = HttpUtil.isKeepAlive(req);
                                HttpUtil.setKeepAlive(res, keepAlive);
                                ctx.writeAndFlush(res).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                                    : ChannelFutureListener.CLOSE);
                            }
                        });
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        self[0] = new ConformanceServers.Running("netty") {
            @Override
            public void close() throws InterruptedException {
                listener.close().sync();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        };
        self[0].port = ((InetSocketAddress) listener.localAddress()).getPort();
        return self[0];
    }

    /** A Netty client session: its own event loop, TCP_NODELAY as Netty leaves it (on). */
    static ConformanceClients.Session client(boolean tls) throws Exception {
        return new Client(tls, true, false);
    }

    /**
     * A Netty client with TCP_NODELAY off that streams each POST: the request's head written and
     * flushed, then its body, as an application sending a body it produces piece by piece would.
     */
    static ConformanceClients.Session streamingClientWithNagle() throws Exception {
        return new Client(false, false, true);
    }

    private static final class Client implements ConformanceClients.Session {
        private final EventLoopGroup group = group();
        private final BlockingQueue<FullHttpResponse> answers = new LinkedBlockingQueue<>();
        private final SslContext ssl;
        private final boolean noDelay;
        private final boolean streamPosts;
        private Channel channel;

        Client(boolean tls, boolean noDelay, boolean streamPosts) throws Exception {
            this.ssl = tls ? SslContextBuilder.forClient().trustManager(LoopbackTls.trustManager()).build() : null;
            this.noDelay = noDelay;
            this.streamPosts = streamPosts;
        }

        @Override
        public byte[] send(URI uri, boolean post) throws Exception {
            Channel ch = connected(uri);
            String host = uri.getHost() + ":" + uri.getPort();
            byte[] posted = ConformanceClients.POSTED.getBytes(StandardCharsets.US_ASCII);
            if (post && streamPosts) {
                HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri.getRawPath());
                head.headers().set(HttpHeaderNames.HOST, host).set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, posted.length);
                ch.writeAndFlush(head).sync();
                ch.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(posted))).sync();
            } else {
                FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, post ? HttpMethod.POST : HttpMethod.GET,
                    uri.getRawPath(), post ? Unpooled.wrappedBuffer(posted) : Unpooled.EMPTY_BUFFER);
                req.headers().set(HttpHeaderNames.HOST, host).setInt(HttpHeaderNames.CONTENT_LENGTH, post ? posted.length : 0);
                if (post) {
                    req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                }
                ch.writeAndFlush(req).sync();
            }
            FullHttpResponse res = answers.poll(10, TimeUnit.SECONDS);
            if (res == null) {
                throw new java.io.IOException("no answer within 10 s");
            }
            try {
                if (!HttpUtil.isKeepAlive(res)) {
                    ch.close().sync();
                }
                return ByteBufUtil.getBytes(res.content());
            } finally {
                res.release();
            }
        }

        /** The session's connection, opened anew when the server closed the last one. */
        private Channel connected(URI uri) throws InterruptedException {
            if (channel == null || !channel.isActive()) {
                channel = new Bootstrap().group(group)
                    .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, noDelay)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                            }
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                                        answers.add(res.retain());
                                    }
                                });
                        }
                    })
                    .connect(uri.getHost(), uri.getPort()).sync().channel();
            }
            return channel;
        }

        @Override
        public void close() throws InterruptedException {
            if (channel != null) {
                channel.close().sync();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
