package io.connscope.agent.instrument;

import io.connscope.agent.runtime.AgentLog;
import io.connscope.bridge.Bridge;
import io.connscope.bridge.ConnectionSink;
import io.connscope.bridge.EngineBridge;
import io.connscope.bridge.NameBridge;
import io.connscope.bridge.PoolBridge;
import io.connscope.bridge.NativeBridge;
import io.connscope.bridge.OptionBridge;
import io.connscope.bridge.UringBridge;
import io.connscope.bridge.UrlConnectionBridge;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;

/**
 * Installs the advice on the JDK classes by exact name, retransforming the ones already loaded.
 * Each target is listed once with the methods it must have; a target whose methods are missing on
 * this JDK is reported instead of silently not working.
 */
public final class Instrumenter {

    private static final String OWN_CLASSES = "io/connscope/";

    private final List<Target> targets = new ArrayList<>();
    private final Map<String, Target> byInternalName = new HashMap<>();
    /** Netty's native-transport classes and client pools', by the end of their internal name: any relocation prefix matches. */
    private final Map<String, Target> bySuffix = new HashMap<>();
    /** The advice for every SSLEngine outside java.base, applied to each such class as it is met. */
    private final Target sslEngines = new Target("javax.net.ssl.SSLEngine subclasses");
    /** The classes outside java.base instrumented from {@link #bySuffix} or {@link #sslEngines}, by internal name. */
    private final Map<String, Target> libraryClasses = new ConcurrentHashMap<>();
    private final BridgeVisibility bridgeVisibility = new BridgeVisibility();
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final AdviceTransformer transformer = new AdviceTransformer();
    private final TransformCache cache;
    private final AtomicInteger woven = new AtomicInteger();
    private final AtomicInteger fromCache = new AtomicInteger();
    /** Started at the first class not found in the cache: a warm start never pays for Byte Buddy. */
    private Weaver weaver;

    /** @param cacheDir where woven classes are kept between runs, or null for no cache */
    public Instrumenter(boolean legacySocketPath, Path cacheDir) {
        JdkTargets.define(this::target, legacySocketPath);
        LibraryAdvice.sslEngine(sslEngines, false);
        for (Target t : LibraryAdvice.nativeTransport()) {
            bySuffix.put(t.className, t);
        }
        for (Target t : LibraryAdvice.clientPools()) {
            bySuffix.put(t.className, t);
        }
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
            if (!"file".equals(source.getProtocol())) {
                // Loaded by another agent's class loader (the OpenTelemetry Java agent's, for its extension): no
                // jar file to tell the build by.
                AgentLog.debug("instrumentation cache not used: connscope is loaded from " + source + ", not a jar file");
                return TransformCache.off();
            }
            Path jar = Paths.get(source.toURI());
            if (!Files.isRegularFile(jar)) {
                return TransformCache.off();
            }
            List<Class<?>> inputs = new ArrayList<>(
                List.of(Instrumenter.class, JdkTargets.class, Bridge.class, EngineBridge.class, NativeBridge.class,
                    UringBridge.class, OptionBridge.class, UrlConnectionBridge.class, NameBridge.class, PoolBridge.class,
                    ConnectionSink.class, ByteBuddy.class, Advice.class));
            for (Target t : templates()) {
                inputs.addAll(t.adviceClasses);
            }
            return TransformCache.open(dir, TransformCache.buildOf(jar, inputs));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return TransformCache.unused(dir, e.toString());
        }
    }

    /** Every list of advice: the JDK's classes, the native transport's, the engines'. */
    private List<Target> templates() {
        List<Target> all = new ArrayList<>(targets);
        all.addAll(bySuffix.values());
        all.add(sslEngines);
        return all;
    }

    private synchronized Weaver weaver() {
        if (weaver == null) {
            weaver = new Weaver();
        }
        return weaver;
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
        // Loaded now: the transformer asks them about every class the application loads.
        LibraryClasses.contains(new byte[1], new byte[1]);
        NativeMemory.available(); // its set-up here, not on the first native read on an event loop
        UnfollowedStacks.classLoaded("a");
        suffixOf("a/b/c/d");
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
        List<Class<?>> jdk = new ArrayList<>();
        List<Class<?>> libraries = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            String internalName = c.getName().replace('.', '/');
            if (c.getClassLoader() == null ? byInternalName.containsKey(internalName) : suffixOf(internalName) != null) {
                (c.getClassLoader() == null ? jdk : libraries).add(c);
            } else if (c.getClassLoader() != null && LibraryClasses.isEngine(c)) {
                libraries.add(c);
            }
        }
        retransform(inst, jdk, "JDK classes");
        // One at a time: a retransformation is all or nothing, and one library's failure must not cost the others.
        for (Class<?> c : libraries) {
            retransform(inst, List.of(c), "library class");
        }
    }

    private static void retransform(Instrumentation inst, List<Class<?>> classes, String what) {
        if (!classes.isEmpty()) {
            try {
                inst.retransformClasses(classes.toArray(new Class<?>[0]));
            } catch (Exception | LinkageError e) {
                AgentLog.once("retransform-" + classes.get(0).getName(), "could not instrument already loaded " + what + " "
                    + classes + ": " + e, e);
            }
        }
    }

    /**
     * Loads, and so transforms, the targets the JDK has not loaded yet, on a thread of the agent's
     * own, right after start-up. Left to their first use, the transformation would run inside the
     * application's first TLS handshake or connect, and connscope would time its own work as theirs.
     */
    public void transformRemainingIn(ThreadGroup group, Instrumentation inst) {
        Thread t = new Thread(group, () -> transformRemaining(inst), "connscope-instrument");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Loads, and so transforms, the JDK's targets not loaded yet, on the calling thread. A target first
     * loaded from inside the transformer (the cache's own file I/O loads FileChannelImpl) was not
     * transformed: the JVM does not call a thread's transformer again while it runs. Such targets are
     * retransformed at the end.
     */
    public void transformRemaining(Instrumentation inst) {
        loadTargets();
        List<Class<?>> missed = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && byInternalName.containsKey(c.getName().replace('.', '/'))
                && !transformed.contains(c.getName())) {
                missed.add(c);
            }
        }
        retransform(inst, missed, "JDK classes loaded while instrumenting");
    }

    /** Loads the JDK's targets that are not loaded yet (and so transforms them, once installed). */
    private void loadTargets() {
        for (Target target : targets) {
            try {
                Class.forName(target.className, false, null);
            } catch (ClassNotFoundException | LinkageError e) {
                AgentLog.debug("target not present on this JDK: " + target.className);
            }
        }
    }

    /**
     * Weaves each JDK target from its class file as the runtime image holds it: the bytes the JVM
     * hands the transformer when the class is loaded after connscope started. (A class loaded before,
     * and retransformed, comes as bytes the JVM rebuilds from the loaded class, another cache entry.)
     * Returns the targets this JDK does not have.
     */
    public List<String> weaveClassFiles() {
        List<String> absent = new ArrayList<>();
        for (Target target : targets) {
            byte[] classFile;
            try (InputStream in = ClassLoader.getSystemResourceAsStream(target.className.replace('.', '/') + ".class")) {
                classFile = in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                classFile = null;
            }
            if (classFile == null) {
                absent.add(target.className);
            } else {
                transformer.instrument(target, classFile, null);
            }
        }
        return absent;
    }

    /** Whether woven classes are kept between runs (the cache directory is set and trusted). */
    public boolean cacheEnabled() {
        return cache.enabled();
    }

    /**
     * Classes woven by Byte Buddy in this run, classes taken from the instrumentation cache, and woven
     * classes the cache could not keep.
     */
    public int[] wovenCachedAndUnkept() {
        return new int[] {woven.get(), fromCache.get(), cache.failedStores()};
    }

    /** The advice for a class outside java.base whose name ends as one of {@link #bySuffix}, or null. */
    private Target suffixOf(String internalName) {
        int at = internalName.lastIndexOf('/');
        int package0 = at < 0 ? -1 : internalName.lastIndexOf('/', at - 1);
        int package1 = package0 < 0 ? -1 : internalName.lastIndexOf('/', package0 - 1);
        return package1 < 0 ? null : bySuffix.get(internalName.substring(package1));
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
        List<Target> instrumented = new ArrayList<>(targets);
        instrumented.addAll(libraryClasses.values());
        for (Target t : instrumented) {
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
            // connscope's own classes first, before anything here loads one: a class whose loading
            // led back to itself would be defined twice.
            if (internalName == null || internalName.startsWith(OWN_CLASSES)) {
                return null;
            }
            if (loader == null) {
                Target target = byInternalName.get(internalName);
                return target == null ? null : privileged(() -> instrument(target, classFile, null));
            }
            UnfollowedStacks.classLoaded(internalName);
            Target template = suffixOf(internalName);
            if (template == null && LibraryClasses.mayBeEngine(loader, internalName, classFile)) {
                template = sslEngines;
            }
            if (template == null || !bridgeVisibility.sees(loader, internalName.replace('/', '.'))) {
                return null;
            }
            Target chosen = template;
            Target target = libraryClasses.computeIfAbsent(internalName, n -> chosen.forClass(n.replace('/', '.')));
            // A class is loaded, and so transformed, on the application's thread: under a security
            // manager, reading the cache and the advice's class files must not need the application's
            // permissions, only connscope's own.
            return privileged(() -> instrument(target, classFile, loader));
        }

        private byte[] instrument(Target target, byte[] classFile, ClassLoader loader) {
            try {
                if (target.template == sslEngines && !isEngine(target, classFile, loader)) {
                    libraryClasses.remove(target.className.replace('.', '/'));
                    return null;
                }
                byte[] out = cache.load(target.className, classFile, target.matched);
                if (out == null) {
                    out = weaver().weave(target, classFile, loader);
                    cache.store(target.className, classFile, out, target.matched);
                    woven.incrementAndGet();
                    AgentLog.debug("instrumented " + target.className);
                } else {
                    fromCache.incrementAndGet();
                    AgentLog.debug("instrumented " + target.className + " (from the instrumentation cache)");
                }
                transformed.add(target.className);
                if (target.template != null) {
                    IoUringHooks.woven(target.template.className, target.className, !target.matched.isEmpty());
                }
                return out;
            } catch (Throwable e) {
                AgentLog.once("transform-" + target.className, "could not instrument " + target.className + ": " + e, e);
                return null;
            }
        }
    }

    /** Whether a candidate is an SSLEngine; a class whose superclasses cannot be read is taken for none. */
    private boolean isEngine(Target target, byte[] classFile, ClassLoader loader) {
        try {
            return weaver().isEngine(target, classFile, loader);
        } catch (RuntimeException | LinkageError e) {
            AgentLog.debug("could not tell whether " + target.className + " is an SSLEngine: " + e);
            return false;
        }
    }

    @SuppressWarnings("removal") // AccessController: a no-op from JDK 24, where the security manager is gone
    private static byte[] privileged(PrivilegedAction<byte[]> action) {
        return AccessController.doPrivileged(action);
    }
}
