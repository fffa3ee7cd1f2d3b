package io.connscope.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The advice for classes met by their shape rather than their exact name: SSLEngines, Netty's native
 * transport, and client libraries' connection pools.
 */
final class LibraryAdvice {

    private LibraryAdvice() {
    }

    /**
     * The four wrap and unwrap forms. The JDK's engine has them all; another engine has at least the
     * two abstract ones, or inherits them from a superclass that is instrumented itself.
     */
    static void sslEngine(Target t, boolean jdk) {
        ElementMatcher.Junction<MethodDescription> wrap = named("wrap").and(not(isAbstract()));
        ElementMatcher.Junction<MethodDescription> unwrap = named("unwrap").and(not(isAbstract()));
        t.add(SslEngineAdvice.Wrap.class, wrap.and(parameters(ByteBuffer[].class, int.class, int.class, ByteBuffer.class)), jdk);
        t.add(SslEngineAdvice.WrapVectored.class,
            wrap.and(parameters(ByteBuffer[].class, int.class, int.class, ByteBuffer[].class, int.class, int.class)), jdk);
        t.add(SslEngineAdvice.Unwrap.class, unwrap.and(parameters(ByteBuffer.class, ByteBuffer[].class, int.class, int.class)),
            jdk);
        t.add(SslEngineAdvice.UnwrapVectored.class,
            unwrap.and(parameters(ByteBuffer[].class, int.class, int.class, ByteBuffer[].class, int.class, int.class)), jdk);
    }

    /**
     * Netty's native transports, each class by the end of its internal name: for epoll and kqueue, the
     * two classes every stream channel goes through (see {@link NativeSocketAdvice}), and sendfile on
     * epoll's socket (verified with javap on Netty 4.1.131 and 4.2.18, and on the copy grpc-netty-shaded
     * 1.85.1 relocates under io.grpc.netty.shaded); for io_uring, Netty 4.2's and the incubator's for
     * 4.1, their rings (see {@link IoUringAdvice}).
     * io_uring's {@code LinuxSocket} extends the same {@code unix.Socket}, whose shutdown, option and
     * close hooks it goes through.
     */
    static List<Target> nativeTransport() {
        List<Target> all = new ArrayList<>();
        all.add(new Target("/channel/unix/FileDescriptor")
            .advice(NativeSocketAdvice.Read.class, named("read").and(parameters(ByteBuffer.class, int.class, int.class)))
            .advice(NativeSocketAdvice.ReadAddress.class, named("readAddress").and(parameters(long.class, int.class, int.class)))
            .advice(NativeSocketAdvice.Write.class, named("write").and(parameters(ByteBuffer.class, int.class, int.class)))
            .advice(NativeSocketAdvice.WriteAddress.class,
                named("writeAddress").and(parameters(long.class, int.class, int.class)))
            .advice(NativeSocketAdvice.Writev.class,
                named("writev").and(parameters(ByteBuffer[].class, int.class, int.class, long.class)))
            .advice(NativeSocketAdvice.WritevAddresses.class, named("writevAddresses").and(parameters(long.class, int.class)))
            .advice(NativeSocketAdvice.Close.class, named("close").and(takesArguments(0))));
        all.add(new Target("/channel/epoll/LinuxSocket")
            .advice(NativeSocketAdvice.SendFile.class, named("sendFile").and(takesArguments(4)).and(not(isStatic()))));
        all.add(new Target("/channel/unix/Socket")
            .advice(NativeSocketAdvice.Created.class, isConstructor().and(parameters(int.class)))
            .advice(NativeSocketAdvice.Connect.class, named("connect").and(parameters(SocketAddress.class)))
            .advice(NativeSocketAdvice.FinishConnect.class, named("finishConnect").and(takesArguments(0)))
            .advice(NativeSocketAdvice.Accept.class, named("accept").and(parameters(byte[].class)))
            .advice(NativeSocketAdvice.Shutdown.class, named("shutdown").and(parameters(boolean.class, boolean.class)))
            .advice(NativeSocketAdvice.SetTcpNoDelay.class, named("setTcpNoDelay").and(parameters(boolean.class)))
            .advice(NativeSocketAdvice.SetSoLinger.class, named("setSoLinger").and(parameters(int.class)))
            .optionalAdvice(NativeSocketAdvice.Read.class, named("recv").and(parameters(ByteBuffer.class, int.class, int.class)))
            .optionalAdvice(NativeSocketAdvice.ReadAddress.class,
                named("recvAddress").and(parameters(long.class, int.class, int.class)))
            .optionalAdvice(NativeSocketAdvice.Write.class, named("send").and(parameters(ByteBuffer.class, int.class, int.class)))
            .optionalAdvice(NativeSocketAdvice.WriteAddress.class,
                named("sendAddress").and(parameters(long.class, int.class, int.class))));
        all.add(new Target("/channel/uring/LinuxSocket")
            .advice(IoUringAdvice.SocketMade.class, isConstructor().and(parameters(int.class))));
        all.add(new Target("/channel/uring/SubmissionQueue")
            .advice(IoUringAdvice.Submitted.class, named("enqueueSqe").and(parameters(byte.class, byte.class, short.class,
                int.class, long.class, long.class, int.class, int.class, long.class, short.class, short.class, int.class,
                long.class))));
        all.add(new Target("/channel/uring/IoUringIoHandler")
            .advice(IoUringAdvice.Completed.class, named("handle").and(parameters(int.class, int.class, long.class,
                ByteBuffer.class))));
        all.add(new Target("/channel/uring/IOUringSubmissionQueue")
            .advice(IoUringAdvice.IncubatorSubmitted.class, named("enqueueSqe").and(parameters(byte.class, int.class,
                int.class, int.class, long.class, int.class, long.class, short.class))));
        all.add(new Target("/channel/uring/IOUringEventLoop")
            .advice(IoUringAdvice.IncubatorCompleted.class, named("handle").and(parameters(int.class, int.class, int.class,
                byte.class, short.class))));
        return all;
    }

    /**
     * Client libraries' connection pools, by the end of their class's internal name: Apache HttpClient
     * 5's classic lease (see {@link PoolLeaseAdvice}), its route the second of four parameters.
     */
    static List<Target> clientPools() {
        return List.of(new Target("/impl/classic/InternalExecRuntime")
            .advice(PoolLeaseAdvice.Acquire.class, named("acquireEndpoint").and(takesArguments(4))
                .and(takesArgument(1, named("org.apache.hc.client5.http.HttpRoute")))));
    }

    /**
     * Exactly these parameter types, matched by name. Matching by Class would describe each class
     * with Byte Buddy's type machinery at start-up, which a start served by the cache never needs.
     */
    static ElementMatcher.Junction<MethodDescription> parameters(Class<?>... types) {
        ElementMatcher.Junction<MethodDescription> m = takesArguments(types.length);
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            m = m.and(takesArgument(i, named(t.isArray() ? t.getComponentType().getName() + "[]" : t.getName())));
        }
        return m;
    }
}
