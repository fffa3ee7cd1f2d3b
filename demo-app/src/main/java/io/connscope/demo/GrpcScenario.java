package io.connscope.demo;

import io.connscope.testsupport.LoopbackTls;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * gRPC on grpc-netty-shaded's defaults: its bundled epoll transport on Linux and, over TLS, its
 * bundled BoringSSL engine. A server and a client on loopback.
 */
final class GrpcScenario extends NamedScenario {

    static final int UNARY_CALLS = 5;

    private enum Kind { CALLS, TLS, MAX_AGE }

    private final Kind kind;

    private GrpcScenario(Kind kind, String name, String description) {
        super(name, description);
        this.kind = kind;
    }

    /** Unary, server-streaming and bidi calls over one channel. */
    static GrpcScenario calls() {
        return new GrpcScenario(Kind.CALLS, "grpc", "gRPC on its default epoll transport: unary, server-streaming and bidi"
            + " calls over one connection, each an HTTP/2 stream with rpc.* and grpc-status");
    }

    /** The same calls over TLS through gRPC's bundled BoringSSL. */
    static GrpcScenario tls() {
        return new GrpcScenario(Kind.TLS, "grpc-tls", "the same gRPC calls over TLS through grpc-netty-shaded's bundled"
            + " BoringSSL engine");
    }

    /** A server whose connections live 1 s, with 200 ms of grace, cuts a call that outlives them. */
    static GrpcScenario maxAge() {
        return new GrpcScenario(Kind.MAX_AGE, "grpc-max-age", "a gRPC server's 1 s maximum connection age cuts a running"
            + " call (grpc-max-age-cut)");
    }

    @Override
    public void run(PrintStream out) throws Exception {
        boolean tls = kind == Kind.TLS;
        GrpcEcho echo = new GrpcEcho();
        AtomicInteger connections = new AtomicInteger();
        Server server = DemoPorts.bind(port -> serverFor(port, tls, echo, connections).build().start(),
            s -> ((InetSocketAddress) s.getListenSockets().get(0)).getPort());
        int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        NettyChannelBuilder channelBuilder = NettyChannelBuilder.forAddress("localhost", port);
        if (tls) {
            channelBuilder.sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient().trustManager(LoopbackTls.trustManagers()),
                SslProvider.OPENSSL).build());
        } else {
            channelBuilder.usePlaintext();
        }
        ManagedChannel channel = channelBuilder.build();
        try {
            if (kind == Kind.MAX_AGE) {
                Status status = GrpcEcho.watch(channel);
                out.println("  the call ended with " + status.getCode() + " when the server's connection age ran out");
                out.println("expect: stack=" + name() + " port=" + port + " client.status=" + status.getCode()
                    + " server.calls=" + echo.calls.get());
                return;
            }
            int received = calls(channel);
            out.println("  " + echo.calls.get() + " calls on " + connections.get() + " connection(s), on "
                + (Epoll.isAvailable() ? "epoll" : "NIO") + (tls ? ", TLS by " + OpenSsl.versionString() : ""));
            out.println("expect: stack=" + name() + " port=" + port + " server.calls=" + echo.calls.get() + " server.messages="
                + echo.messages.get() + " server.connections=" + connections.get() + " client.messages=" + received
                + " epoll=" + Epoll.isAvailable() + " openssl=" + (tls && OpenSsl.isAvailable()));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            server.shutdown().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private NettyServerBuilder serverFor(int port, boolean tls, GrpcEcho echo, AtomicInteger connections) throws Exception {
        NettyServerBuilder serverBuilder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .addService(echo.definition())
            .addTransportFilter(new ServerTransportFilter() {
                @Override
                public Attributes transportReady(Attributes transportAttrs) {
                    connections.incrementAndGet();
                    return transportAttrs;
                }
            });
        if (tls) {
            serverBuilder.sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(LoopbackTls.keyManagers()),
                SslProvider.OPENSSL).build());
        }
        if (kind == Kind.MAX_AGE) {
            serverBuilder.maxConnectionAge(1, TimeUnit.SECONDS).maxConnectionAgeGrace(200, TimeUnit.MILLISECONDS);
        }
        return serverBuilder;
    }

    /** The unary calls, one server-streaming and one bidi call: the messages the client received. */
    private static int calls(ManagedChannel channel) throws InterruptedException {
        int received = 0;
        for (int i = 0; i < UNARY_CALLS; i++) {
            ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, ("hello " + i).getBytes(StandardCharsets.UTF_8));
            received++;
        }
        Iterator<byte[]> streamed = ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.COUNT, CallOptions.DEFAULT, new byte[1]);
        while (streamed.hasNext()) {
            streamed.next();
            received++;
        }
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger echoed = new AtomicInteger();
        StreamObserver<byte[]> chat = ClientCalls.asyncBidiStreamingCall(channel.newCall(GrpcEcho.CHAT, CallOptions.DEFAULT),
            new StreamObserver<byte[]>() {
                @Override
                public void onNext(byte[] value) {
                    echoed.incrementAndGet();
                }

                @Override
                public void onError(Throwable t) {
                    done.countDown();
                }

                @Override
                public void onCompleted() {
                    done.countDown();
                }
            });
        for (int i = 0; i < GrpcEcho.STREAMED; i++) {
            chat.onNext(("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        chat.onCompleted();
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the bidi call did not complete");
        }
        return received + echoed.get();
    }
}
