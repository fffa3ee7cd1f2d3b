package io.connscope.agent.instrument;

import javax.net.ssl.SSLEngine;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;

/**
 * Applies the advice with Byte Buddy straight from the class file the JVM hands over. Types are
 * described from class files, never loaded, so transforming one JDK class cannot load (and so
 * miss) another target.
 */
final class Weaver {
    /** Advice only rewrites method bodies; validating the JDK's own types would be wasted start-up time. */
    private final ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED);
    private final ClassFileLocator bootClassFiles = ClassFileLocator.ForClassLoader.ofBootLoader();

    byte[] weave(Target target, byte[] classFile, ClassLoader loader) {
        ClassFileLocator locator = locator(target, classFile, loader);
        TypeDescription type = describe(target, locator);
        return target.apply(byteBuddy.decorate(type, locator), type).make().getBytes();
    }

    /** A class that may be an SSLEngine (see {@link LibraryClasses#mayBeEngine}): its superclasses tell. */
    boolean isEngine(Target target, byte[] classFile, ClassLoader loader) {
        return describe(target, locator(target, classFile, loader)).isAssignableTo(SSLEngine.class);
    }

    private ClassFileLocator locator(Target target, byte[] classFile, ClassLoader loader) {
        ClassFileLocator own = ClassFileLocator.Simple.of(target.className, classFile);
        return loader == null ? new ClassFileLocator.Compound(own, bootClassFiles)
            : new ClassFileLocator.Compound(own, ClassFileLocator.ForClassLoader.of(loader), bootClassFiles);
    }

    /**
     * Described by a pool of its own, dropped after the weave. A pool shared by all weaves would parse
     * common supertypes once (about 20 ms less on a start that weaves everything), but it would keep
     * every JDK class it described, the targets included, for the life of the host: about 0.9 MB of
     * heap, measured by {@code HostilePeersIT}.
     */
    private TypeDescription describe(Target target, ClassFileLocator locator) {
        return new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
            TypePool.Default.ReaderMode.FAST).describe(target.className).resolve();
    }
}
