package io.connscope.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.function.Function;

/**
 * The JDK classes connscope instruments, by exact name, each with the methods its advice goes to.
 * Exactly one pair of socket stream classes is listed: the legacy ones, or JDK 13+'s.
 */
final class JdkTargets {

    private JdkTargets() {
    }

    /** Lists every target through {@code target}, which registers a class by name and returns it for its advice. */
    static void define(Function<String, Target> target, boolean legacySocketPath) {
        target.apply("java.net.Socket")
            .advice(SocketAdvice.Connect.class, named("connect").and(LibraryAdvice.parameters(SocketAddress.class, int.class)))
            .advice(SocketAdvice.SetTcpNoDelay.class, named("setTcpNoDelay").and(LibraryAdvice.parameters(boolean.class)))
            .advice(SocketAdvice.SetSoLinger.class,
                named("setSoLinger").and(LibraryAdvice.parameters(boolean.class, int.class)))
            .advice(SocketAdvice.SetOption.class, named("setOption").and(takesArguments(2)).and(not(isBridge())))
            .advice(SocketAdvice.ShutdownInput.class, named("shutdownInput").and(takesArguments(0)))
            .advice(SocketAdvice.ShutdownOutput.class, named("shutdownOutput").and(takesArguments(0)))
            .advice(SocketAdvice.Close.class, named("close").and(takesArguments(0)));
        target.apply("java.net.ServerSocket")
            .advice(ServerSocketAdvice.ImplAccept.class,
                named("implAccept").and(takesArguments(1)).and(takesArgument(0, named("java.net.Socket"))));
        if (legacySocketPath) {
            target.apply("java.net.SocketInputStream")
                .advice(LegacySocketStreamAdvice.Read.class,
                    named("read").and(LibraryAdvice.parameters(byte[].class, int.class, int.class, int.class)));
            target.apply("java.net.SocketOutputStream")
                .advice(LegacySocketStreamAdvice.Write.class,
                    named("socketWrite").and(LibraryAdvice.parameters(byte[].class, int.class, int.class)));
        } else {
            target.apply("java.net.Socket$SocketInputStream")
                .advice(SocketStreamAdvice.Read.class, named("read").and(LibraryAdvice.parameters(byte[].class, int.class, int.class)));
            target.apply("java.net.Socket$SocketOutputStream")
                .advice(SocketStreamAdvice.Write.class, named("write").and(LibraryAdvice.parameters(byte[].class, int.class, int.class)));
        }
        target.apply("sun.nio.ch.SocketChannelImpl")
            .advice(SocketChannelAdvice.Connect.class, named("connect").and(LibraryAdvice.parameters(SocketAddress.class)))
            .advice(SocketChannelAdvice.FinishConnect.class, named("finishConnect").and(takesArguments(0)))
            .advice(SocketChannelAdvice.Read.class, named("read").and(LibraryAdvice.parameters(ByteBuffer.class)))
            .advice(SocketChannelAdvice.ReadVectored.class,
                named("read").and(LibraryAdvice.parameters(ByteBuffer[].class, int.class, int.class)))
            .advice(SocketChannelAdvice.Write.class, named("write").and(LibraryAdvice.parameters(ByteBuffer.class)))
            .advice(SocketChannelAdvice.WriteVectored.class,
                named("write").and(LibraryAdvice.parameters(ByteBuffer[].class, int.class, int.class)))
            .advice(SocketChannelAdvice.SetOption.class, named("setOption").and(takesArguments(2)).and(not(isBridge())))
            .advice(SocketChannelAdvice.ShutdownInput.class, named("shutdownInput").and(takesArguments(0)))
            .advice(SocketChannelAdvice.ShutdownOutput.class, named("shutdownOutput").and(takesArguments(0)))
            .advice(SocketChannelAdvice.Close.class, named("implCloseSelectableChannel").and(takesArguments(0)))
            // Socket adaptor (SocketChannel.socket()) paths, JDK 17+.
            .optionalAdvice(SocketChannelAdvice.BlockingConnect.class,
                named("blockingConnect").and(LibraryAdvice.parameters(SocketAddress.class, long.class)))
            .optionalAdvice(SocketChannelAdvice.BlockingRead.class,
                named("blockingRead").and(LibraryAdvice.parameters(byte[].class, int.class, int.class, long.class)))
            .optionalAdvice(SocketChannelAdvice.BlockingWriteFully.class,
                named("blockingWriteFully").and(LibraryAdvice.parameters(byte[].class, int.class, int.class)));
        // FileChannel.transferTo a socket channel, by sendfile: JDK 17 names the direct path one way, JDK 25 another.
        target.apply("sun.nio.ch.FileChannelImpl")
            .optionalAdvice(FileChannelAdvice.TransferToDirect.class, named("transferToDirectly")
                .and(LibraryAdvice.parameters(long.class, int.class, WritableByteChannel.class)))
            .optionalAdvice(FileChannelAdvice.TransferToDirect.class, named("transferToDirect")
                .and(LibraryAdvice.parameters(long.class, int.class, WritableByteChannel.class)));
        target.apply("sun.nio.ch.ServerSocketChannelImpl")
            .advice(ServerSocketChannelAdvice.FinishAccept.class, named("finishAccept").and(takesArguments(2)));
        target.apply("sun.security.ssl.SSLSocketImpl")
            .advice(SslSocketAdvice.StartHandshake.class, named("startHandshake").and(LibraryAdvice.parameters(boolean.class)));
        target.apply("sun.security.ssl.SSLSocketImpl$AppInputStream")
            .advice(SslAppStreamAdvice.Read.class, named("read").and(LibraryAdvice.parameters(byte[].class, int.class, int.class)));
        target.apply("sun.security.ssl.SSLSocketImpl$AppOutputStream")
            .advice(SslAppStreamAdvice.Write.class, named("write").and(LibraryAdvice.parameters(byte[].class, int.class, int.class)));
        LibraryAdvice.sslEngine(target.apply("sun.security.ssl.SSLEngineImpl"), true);
        target.apply("sun.net.www.protocol.http.HttpURLConnection")
            .advice(HttpUrlConnectionAdvice.WriteRequests.class, named("writeRequests").and(takesArguments(0)));
        // The 3-argument writeRequests delegates to the 2-argument one; the resend in parseHTTPHeader calls it directly.
        target.apply("sun.net.www.http.HttpClient")
            .advice(JdkHttpClientAdvice.WriteRequests.class, named("writeRequests")
                .and(takesArgument(0, named("sun.net.www.MessageHeader")))
                .and(takesArguments(1).or(takesArguments(2))));
        target.apply("sun.net.www.http.KeepAliveCache")
            .advice(KeepAliveCacheAdvice.Get.class, named("get").and(takesArguments(2)));
        target.apply("java.net.InetAddress")
            .advice(NameLookupAdvice.Lookup.class, named("getAddressesFromNameService").and(isStatic())
                .and(takesArgument(0, String.class)));
    }
}
