package io.connscope.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.connscope.agent.AgentLog;
import io.connscope.bridge.Bridge;
import io.connscope.bridge.ConnectionSink;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.SocketAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Installs the advice on the JDK classes by exact name, retransforming the ones already loaded.
 * Each target is listed once with the methods it must have; a target whose methods are missing on
 * this JDK is reported instead of silently not working.
 */
public final class Instrumenter {

    private final List<Target> targets = new ArrayList<>();
    private final Map<String, Target> byInternalName = new HashMap<>();
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final ClassFileTransformer transformer = new AdviceTransformer();
    private final TransformCache cache;
    /** Started at the first class not found in the cache: a warm start never pays for Byte Buddy. */
    private Weaver weaver;

    /** @param cacheDir where woven classes are kept between runs, or null for no cache */
    public Instrumenter(boolean legacySocketPath, Path cacheDir) {
        target("java.net.Socket")
            .advice(SocketAdvice.Connect.class, named("connect").and(parameters(SocketAddress.class, int.class)))
            .advice(SocketAdvice.SetTcpNoDelay.class, named("setTcpNoDelay").and(parameters(boolean.class)))
            .advice(SocketAdvice.SetOption.class, named("setOption").and(takesArguments(2)).and(not(isBridge())))
            .advice(SocketAdvice.ShutdownInput.class, named("shutdownInput").and(takesArguments(0)))
            .advice(SocketAdvice.ShutdownOutput.class, named("shutdownOutput").and(takesArguments(0)))
            .advice(SocketAdvice.Close.class, named("close").and(takesArguments(0)));
        target("java.net.ServerSocket")
            .advice(ServerSocketAdvice.ImplAccept.class,
                named("implAccept").and(takesArguments(1)).and(takesArgument(0, named("java.net.Socket"))));
        if (legacySocketPath) {
            target("java.net.SocketInputStream")
                .advice(LegacySocketStreamAdvice.Read.class,
                    named("read").and(parameters(byte[].class, int.class, int.class, int.class)));
            target("java.net.SocketOutputStream")
                .advice(LegacySocketStreamAdvice.Write.class,
                    named("socketWrite").and(parameters(byte[].class, int.class, int.class)));
        } else {
            target("java.net.Socket$SocketInputStream")
                .advice(SocketStreamAdvice.Read.class, named("read").and(parameters(byte[].class, int.class, int.class)));
            target("java.net.Socket$SocketOutputStream")
                .advice(SocketStreamAdvice.Write.class, named("write").and(parameters(byte[].class, int.class, int.class)));
        }
        target("sun.nio.ch.SocketChannelImpl")
            .advice(SocketChannelAdvice.Connect.class, named("connect").and(parameters(SocketAddress.class)))
            .advice(SocketChannelAdvice.FinishConnect.class, named("finishConnect").and(takesArguments(0)))
            .advice(SocketChannelAdvice.Read.class, named("read").and(parameters(ByteBuffer.class)))
            .advice(SocketChannelAdvice.ReadVectored.class,
                named("read").and(parameters(ByteBuffer[].class, int.class, int.class)))
            .advice(SocketChannelAdvice.Write.class, named("write").and(parameters(ByteBuffer.class)))
            .advice(SocketChannelAdvice.WriteVectored.class,
                named("write").and(parameters(ByteBuffer[].class, int.class, int.class)))
            .advice(SocketChannelAdvice.SetOption.class, named("setOption").and(takesArguments(2)).and(not(isBridge())))
            .advice(SocketChannelAdvice.ShutdownInput.class, named("shutdownInput").and(takesArguments(0)))
            .advice(SocketChannelAdvice.ShutdownOutput.class, named("shutdownOutput").and(takesArguments(0)))
            .advice(SocketChannelAdvice.Close.class, named("implCloseSelectableChannel").and(takesArguments(0)))
            // Socket adaptor (SocketChannel.socket()) paths, JDK 17+.
            .optionalAdvice(SocketChannelAdvice.BlockingConnect.class,
                named("blockingConnect").and(parameters(SocketAddress.class, long.class)))
            .optionalAdvice(SocketChannelAdvice.BlockingRead.class,
                named("blockingRead").and(parameters(byte[].class, int.class, int.class, long.class)))
            .optionalAdvice(SocketChannelAdvice.BlockingWriteFully.class,
                named("blockingWriteFully").and(parameters(byte[].class, int.class, int.class)));
        target("sun.nio.ch.ServerSocketChannelImpl")
            .advice(ServerSocketChannelAdvice.FinishAccept.class, named("finishAccept").and(takesArguments(2)));
        target("sun.security.ssl.SSLSocketImpl")
            .advice(SslSocketAdvice.StartHandshake.class, named("startHandshake").and(parameters(boolean.class)));
        target("sun.security.ssl.SSLSocketImpl$AppInputStream")
            .advice(SslAppStreamAdvice.Read.class, named("read").and(parameters(byte[].class, int.class, int.class)));
        target("sun.security.ssl.SSLSocketImpl$AppOutputStream")
            .advice(SslAppStreamAdvice.Write.class, named("write").and(parameters(byte[].class, int.class, int.class)));
        target("sun.security.ssl.SSLEngineImpl")
            .advice(SslEngineAdvice.Wrap.class, named("wrap")
                .and(parameters(ByteBuffer[].class, int.class, int.class, ByteBuffer[].class, int.class, int.class)))
            .advice(SslEngineAdvice.Unwrap.class, named("unwrap")
                .and(parameters(ByteBuffer[].class, int.class, int.class, ByteBuffer[].class, int.class, int.class)));
        target("sun.net.www.protocol.http.HttpURLConnection")
            .advice(HttpUrlConnectionAdvice.WriteRequests.class, named("writeRequests").and(takesArguments(0)));
        // The 3-argument writeRequests delegates to the 2-argument one; the resend in parseHTTPHeader calls it directly.
        target("sun.net.www.http.HttpClient")
            .advice(JdkHttpClientAdvice.WriteRequests.class, named("writeRequests")
                .and(takesArgument(0, named("sun.net.www.MessageHeader")))
                .and(takesArguments(1).or(takesArguments(2))));
        target("sun.net.www.http.KeepAliveCache")
            .advice(KeepAliveCacheAdvice.Get.class, named("get").and(takesArguments(2)));
        cache = cacheDir == null ? TransformCache.off() : openCache(cacheDir);
    }

    /**
     * The woven bytes depend on the advice and the methods it goes to, on the bridge it calls, and
     * on Byte Buddy, all in the agent jar. Outside a jar (unit tests) there is no build to tell them
     * by, so no cache.
     */
    private TransformCache openCache(Path dir) {
        try {
            URL source = Instrumenter.class.getProtectionDomain().getCodeSource().getLocation();
            Path jar = Paths.get(source.toURI());
            if (!Files.isRegularFile(jar)) {
                return TransformCache.off();
            }
            List<Class<?>> inputs = new ArrayList<>(
                List.of(Instrumenter.class, Bridge.class, ConnectionSink.class, ByteBuddy.class, Advice.class));
            for (Target t : targets) {
                inputs.addAll(t.adviceClasses);
            }
            return TransformCache.open(dir, TransformCache.buildOf(jar, inputs));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return TransformCache.unused(dir, e.toString());
        }
    }

    private synchronized Weaver weaver() {
        if (weaver == null) {
            weaver = new Weaver();
        }
        return weaver;
    }

    /**
     * Exactly these parameter types, matched by name. Matching by Class would describe each class
     * with Byte Buddy's type machinery at start-up, which a start served by the cache never needs.
     */
    private static ElementMatcher.Junction<MethodDescription> parameters(Class<?>... types) {
        ElementMatcher.Junction<MethodDescription> m = takesArguments(types.length);
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            m = m.and(takesArgument(i, named(t.isArray() ? t.getComponentType().getName() + "[]" : t.getName())));
        }
        return m;
    }

    private Target target(String className) {
        Target t = new Target(className);
        targets.add(t);
        byInternalName.put(className.replace('.', '/'), t);
        return t;
    }

    /**
     * Registers the transformer and retransforms the targets already loaded; the others are
     * transformed when the JDK loads them (see {@link #transformRemainingIn}).
     */
    public void install(Instrumentation inst) {
        inst.addTransformer(transformer, true);
        retransformLoadedTargets(inst);
    }

    /**
     * Detaching: stops transforming, and retransforms the targets without the advice, which gives
     * them back their original bytecode. Best effort: a JVM that refuses is left with advice that
     * calls into a bridge with no sink, which returns at once.
     */
    public void uninstall(Instrumentation inst) {
        inst.removeTransformer(transformer);
        transformed.clear();
        retransformLoadedTargets(inst);
    }

    private void retransformLoadedTargets(Instrumentation inst) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && byInternalName.containsKey(c.getName().replace('.', '/'))) {
                loaded.add(c);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                inst.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (Exception | LinkageError e) {
                AgentLog.once("retransform", "could not instrument already loaded JDK classes " + loaded + ": " + e, e);
            }
        }
    }

    /**
     * Loads, and so transforms, the targets the JDK has not loaded yet, on a thread of the agent's
     * own, right after start-up. Left to their first use, the transformation would run inside the
     * application's first TLS handshake or connect, and connscope would time its own work as theirs.
     */
    public void transformRemainingIn(ThreadGroup group) {
        Thread t = new Thread(group, () -> {
            for (Target target : targets) {
                try {
                    Class.forName(target.className, false, null);
                } catch (ClassNotFoundException | LinkageError e) {
                    AgentLog.debug("target not present on this JDK: " + target.className);
                }
            }
        }, "connscope-instrument");
        t.setDaemon(true);
        t.start();
    }

    /** Targets that are loaded but were not transformed, e.g. because this JDK lacks a method. */
    public List<String> missing(Instrumentation inst) {
        List<String> out = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            Target t = c.getClassLoader() == null ? byInternalName.get(c.getName().replace('.', '/')) : null;
            if (t != null && !transformed.contains(t.className)) {
                out.add(t.className);
            }
        }
        for (Target t : targets) {
            // Only once its transformation is complete: while it runs (on the thread that loads the
            // remaining targets), its matched methods are still being recorded.
            if (transformed.contains(t.className)) {
                out.addAll(t.missingMethods());
            }
        }
        return out;
    }

    public Set<String> transformed() {
        return Collections.unmodifiableSet(transformed);
    }

    /**
     * Instruments a target class file: from the instrumentation cache when it holds this exact
     * class file, else woven by the {@link Weaver}. Lighter than an AgentBuilder, which generates a
     * transformer class at start-up: start-up time is part of connscope's cost.
     */
    private final class AdviceTransformer implements ClassFileTransformer {
        @Override
        public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
                                byte[] classFile) {
            Target target = loader == null && internalName != null ? byInternalName.get(internalName) : null;
            if (target == null) {
                return null;
            }
            // A class is loaded, and so transformed, on the application's thread: under a security
            // manager, reading the cache and the advice's class files must not need the application's
            // permissions, only connscope's own.
            return privileged(() -> instrument(target, classFile));
        }

        private byte[] instrument(Target target, byte[] classFile) {
            try {
                byte[] out = cache.load(target.className, classFile, target.matched);
                if (out == null) {
                    out = weaver().weave(target, classFile);
                    cache.store(target.className, classFile, out, target.matched);
                    AgentLog.debug("instrumented " + target.className);
                } else {
                    AgentLog.debug("instrumented " + target.className + " (from the instrumentation cache)");
                }
                transformed.add(target.className);
                return out;
            } catch (Throwable e) {
                AgentLog.once("transform-" + target.className, "could not instrument " + target.className + ": " + e, e);
                return null;
            }
        }
    }

    @SuppressWarnings("removal") // AccessController: a no-op from JDK 24, where the security manager is gone
    private static byte[] privileged(PrivilegedAction<byte[]> action) {
        return AccessController.doPrivileged(action);
    }

    /**
     * Applies the advice with Byte Buddy straight from the class file the JVM hands over. Types are
     * described from class files, never loaded, so transforming one JDK class cannot load (and so
     * miss) another target.
     */
    private static final class Weaver {
        /** Advice only rewrites method bodies; validating the JDK's own types would be wasted start-up time. */
        private final ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED);
        private final ClassFileLocator bootClassFiles = ClassFileLocator.ForClassLoader.ofBootLoader();
        /** Shared by all transformations, so common supertypes are parsed once. */
        private final TypePool bootTypes = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(),
            bootClassFiles, TypePool.Default.ReaderMode.FAST);

        byte[] weave(Target target, byte[] classFile) {
            ClassFileLocator own = ClassFileLocator.Simple.of(target.className, classFile);
            TypeDescription type = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), own,
                TypePool.Default.ReaderMode.FAST, bootTypes).describe(target.className).resolve();
            ClassFileLocator locator = new ClassFileLocator.Compound(own, bootClassFiles);
            return target.apply(byteBuddy.decorate(type, locator), type).make().getBytes();
        }
    }

    /** One JDK class and the advice for its methods. */
    private static final class Target {
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

        DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
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
