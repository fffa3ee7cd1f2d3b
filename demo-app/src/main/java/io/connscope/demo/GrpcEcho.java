package io.connscope.demo;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small gRPC service without generated code: raw bytes as messages. {@code demo.Echo/Say} (unary)
 * echoes, {@code Count} (server-streaming) answers with {@value #STREAMED} messages, {@code Chat}
 * (bidi) echoes each message, and {@code Watch} (server-streaming) never ends: it lives as long as
 * its connection. The service counts the calls and messages it received itself.
 */
public final class GrpcEcho {

    public static final String SERVICE = "demo.Echo";
    public static final int STREAMED = 3;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor<byte[], byte[]> SAY = method(MethodDescriptor.MethodType.UNARY, "Say");
    public static final MethodDescriptor<byte[], byte[]> COUNT = method(MethodDescriptor.MethodType.SERVER_STREAMING, "Count");
    public static final MethodDescriptor<byte[], byte[]> CHAT = method(MethodDescriptor.MethodType.BIDI_STREAMING, "Chat");
    public static final MethodDescriptor<byte[], byte[]> WATCH = method(MethodDescriptor.MethodType.SERVER_STREAMING, "Watch");

    /** Calls the service received. */
    public final AtomicInteger calls = new AtomicInteger();
    /** Messages the service received. */
    public final AtomicInteger messages = new AtomicInteger();

    private static MethodDescriptor<byte[], byte[]> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    public ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(SERVICE)
            .addMethod(SAY, ServerCalls.asyncUnaryCall((req, out) -> {
                calls.incrementAndGet();
                messages.incrementAndGet();
                out.onNext(req);
                out.onCompleted();
            }))
            .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((req, out) -> {
                calls.incrementAndGet();
                messages.incrementAndGet();
                for (int i = 0; i < STREAMED; i++) {
                    out.onNext(("n" + i).getBytes(StandardCharsets.UTF_8));
                }
                out.onCompleted();
            }))
            .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> {
                calls.incrementAndGet();
                return new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] value) {
                        messages.incrementAndGet();
                        out.onNext(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                };
            }))
            .addMethod(WATCH, ServerCalls.asyncServerStreamingCall((req, out) -> {
                calls.incrementAndGet();
                messages.incrementAndGet();
            }))
            .build();
    }

    /** A {@code Watch} call, which the server never ends: the status it ends with when its connection goes. */
    public static Status watch(ManagedChannel channel) throws Exception {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        ClientCalls.asyncServerStreamingCall(channel.newCall(GrpcEcho.WATCH, CallOptions.DEFAULT), new byte[1],
            new StreamObserver<byte[]>() {
                @Override
                public void onNext(byte[] value) {
                }

                @Override
                public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    ended.complete(Status.OK);
                }
            });
        return ended.get(90, TimeUnit.SECONDS);
    }
}
