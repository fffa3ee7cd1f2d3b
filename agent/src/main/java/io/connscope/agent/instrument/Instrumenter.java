package io.connscope.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.connscope.agent.AgentLog;
import java.lang.instrument.Instrumentation;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the advice on the JDK classes by exact name, retransforming the ones already loaded.
 * Each target is listed once with the methods it must have; a target whose methods are missing on
 * this JDK is reported instead of silently not working.
 */
public final class Instrumenter {

    private final List<Target> targets = new ArrayList<>();
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();

    public Instrumenter(boolean legacySocketPath) {
        target("java.net.Socket")
            .advice(SocketAdvice.Connect.class, named("connect").and(takesArguments(SocketAddress.class, int.class)))
            .advice(SocketAdvice.SetTcpNoDelay.class, named("setTcpNoDelay").and(takesArguments(boolean.class)))
            .advice(SocketAdvice.SetOption.class, named("setOption").and(takesArguments(2)).and(not(isBridge())))
            .advice(SocketAdvice.ShutdownInput.class, named("shutdownInput").and(takesArguments(0)))
            .advice(SocketAdvice.ShutdownOutput.class, named("shutdownOutput").and(takesArguments(0)))
            .advice(SocketAdvice.Close.class, named("close").and(takesArguments(0)));
        target("java.net.ServerSocket")
            .advice(ServerSocketAdvice.ImplAccept.class,
                named("implAccept").and(takesArguments(1)).and(takesArgument(0, java.net.Socket.class)));
        if (legacySocketPath) {
            target("java.net.SocketInputStream")
                .advice(LegacySocketStreamAdvice.Read.class,
                    named("read").and(takesArguments(byte[].class, int.class, int.class, int.class)));
            target("java.net.SocketOutputStream")
                .advice(LegacySocketStreamAdvice.Write.class,
                    named("socketWrite").and(takesArguments(byte[].class, int.class, int.class)));
        } else {
            target("java.net.Socket$SocketInputStream")
                .advice(SocketStreamAdvice.Read.class, named("read").and(takesArguments(byte[].class, int.class, int.class)));
            target("java.net.Socket$SocketOutputStream")
                .advice(SocketStreamAdvice.Write.class, named("write").and(takesArguments(byte[].class, int.class, int.class)));
        }
        target("sun.nio.ch.SocketChannelImpl")
            .advice(SocketChannelAdvice.Connect.class, named("connect").and(takesArguments(SocketAddress.class)))
            .advice(SocketChannelAdvice.FinishConnect.class, named("finishConnect").and(takesArguments(0)))
            .advice(SocketChannelAdvice.Read.class, named("read").and(takesArguments(ByteBuffer.class)))
            .advice(SocketChannelAdvice.ReadVectored.class,
                named("read").and(takesArguments(ByteBuffer[].class, int.class, int.class)))
            .advice(SocketChannelAdvice.Write.class, named("write").and(takesArguments(ByteBuffer.class)))
            .advice(SocketChannelAdvice.WriteVectored.class,
                named("write").and(takesArguments(ByteBuffer[].class, int.class, int.class)))
            .advice(SocketChannelAdvice.SetOption.class, named("setOption").and(takesArguments(2)).and(not(isBridge())))
            .advice(SocketChannelAdvice.ShutdownInput.class, named("shutdownInput").and(takesArguments(0)))
            .advice(SocketChannelAdvice.ShutdownOutput.class, named("shutdownOutput").and(takesArguments(0)))
            .advice(SocketChannelAdvice.Close.class, named("implCloseSelectableChannel").and(takesArguments(0)))
            // Socket adaptor (SocketChannel.socket()) paths, JDK 17+.
            .optionalAdvice(SocketChannelAdvice.BlockingConnect.class,
                named("blockingConnect").and(takesArguments(SocketAddress.class, long.class)))
            .optionalAdvice(SocketChannelAdvice.BlockingRead.class,
                named("blockingRead").and(takesArguments(byte[].class, int.class, int.class, long.class)))
            .optionalAdvice(SocketChannelAdvice.BlockingWriteFully.class,
                named("blockingWriteFully").and(takesArguments(byte[].class, int.class, int.class)));
        target("sun.nio.ch.ServerSocketChannelImpl")
            .advice(ServerSocketChannelAdvice.FinishAccept.class, named("finishAccept").and(takesArguments(2)));
        target("sun.security.ssl.SSLSocketImpl")
            .advice(SslSocketAdvice.StartHandshake.class, named("startHandshake").and(takesArguments(boolean.class)));
        target("sun.security.ssl.SSLSocketImpl$AppInputStream")
            .advice(SslAppStreamAdvice.Read.class, named("read").and(takesArguments(byte[].class, int.class, int.class)));
        target("sun.security.ssl.SSLSocketImpl$AppOutputStream")
            .advice(SslAppStreamAdvice.Write.class, named("write").and(takesArguments(byte[].class, int.class, int.class)));
        target("sun.net.www.protocol.http.HttpURLConnection")
            .advice(HttpUrlConnectionAdvice.WriteRequests.class, named("writeRequests").and(takesArguments(0)));
        // The 3-argument writeRequests delegates to the 2-argument one; the resend in parseHTTPHeader calls it directly.
        target("sun.net.www.http.HttpClient")
            .advice(JdkHttpClientAdvice.WriteRequests.class, named("writeRequests")
                .and(takesArgument(0, named("sun.net.www.MessageHeader")))
                .and(takesArguments(1).or(takesArguments(2))));
        target("sun.net.www.http.KeepAliveCache")
            .advice(KeepAliveCacheAdvice.Get.class, named("get").and(takesArguments(2)));
    }

    private Target target(String className) {
        Target t = new Target(className);
        targets.add(t);
        return t;
    }

    public ResettableClassFileTransformer install(Instrumentation inst) {
        // Load every target first and retransform exactly those: a class first loaded while another
        // is being transformed would be skipped for good, and walking every loaded class is slow.
        List<Class<?>> present = new ArrayList<>();
        for (Target t : targets) {
            try {
                present.add(Class.forName(t.className, false, null));
            } catch (ClassNotFoundException | LinkageError e) {
                AgentLog.debug("target not present on this JDK: " + t.className);
            }
        }
        AgentBuilder builder = new AgentBuilder.Default()
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit(present.toArray(new Class<?>[0])))
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            // The default ignores bootstrap classes; the exact-name type matchers below are the filter.
            .ignore(none())
            .with(new Listener());
        for (Target t : targets) {
            builder = builder.type(named(t.className)).transform(t);
        }
        return builder.installOn(inst);
    }

    /** Targets that are loaded but were not transformed, e.g. because this JDK lacks a method. */
    public List<String> missing(Instrumentation inst) {
        List<String> out = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            for (Target t : targets) {
                if (c.getName().equals(t.className) && !transformed.contains(t.className)) {
                    out.add(t.className);
                }
            }
        }
        for (Target t : targets) {
            out.addAll(t.missingMethods());
        }
        return out;
    }

    public Set<String> transformed() {
        return Collections.unmodifiableSet(transformed);
    }

    private final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            transformed.add(type.getName());
            AgentLog.debug("instrumented " + type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            AgentLog.once("transform-" + typeName, "could not instrument " + typeName + ": " + error, error);
        }
    }

    /** One JDK class and the advice for its methods. */
    private static final class Target implements AgentBuilder.Transformer {
        final String className;
        final List<Class<?>> adviceClasses = new ArrayList<>();
        final List<ElementMatcher<? super MethodDescription>> matchers = new ArrayList<>();
        final List<Boolean> required = new ArrayList<>();
        final Set<Integer> matched = ConcurrentHashMap.newKeySet();

        Target(String className) {
            this.className = className;
        }

        Target advice(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods) {
            return add(adviceClass, methods, true);
        }

        /** Advice for a method that only some supported JDKs have. */
        Target optionalAdvice(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods) {
            return add(adviceClass, methods, false);
        }

        private Target add(Class<?> adviceClass, ElementMatcher<? super MethodDescription> methods, boolean mustExist) {
            adviceClasses.add(adviceClass);
            matchers.add(methods);
            required.add(mustExist);
            return this;
        }

        @Override
        public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                ClassLoader loader, JavaModule module,
                                                java.security.ProtectionDomain domain) {
            for (int i = 0; i < adviceClasses.size(); i++) {
                if (!type.getDeclaredMethods().filter(matchers.get(i)).isEmpty()) {
                    matched.add(i);
                }
                AsmVisitorWrapper visitor = Advice.to(adviceClasses.get(i)).on(matchers.get(i));
                builder = builder.visit(visitor);
            }
            return builder;
        }

        List<String> missingMethods() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < adviceClasses.size(); i++) {
                if (required.get(i) && !matched.contains(i) && !matched.isEmpty()) {
                    out.add(className + " (" + adviceClasses.get(i).getSimpleName() + ")");
                }
            }
            return out;
        }
    }
}
