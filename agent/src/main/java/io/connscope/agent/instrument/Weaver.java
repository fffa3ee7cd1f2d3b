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
        TypeDescription type = describe(target, locator, loader);
        return target.apply(byteBuddy.decorate(type, locator), type).make().getBytes();
    }

    /** A class that may be an SSLEngine (see {@link LibraryClasses#mayBeEngine}): its superclasses tell. */
    boolean isEngine(Target target, byte[] classFile, ClassLoader loader) {
        return describe(target, locator(target, classFile, loader), loader).isAssignableTo(SSLEngine.class);
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
    private TypeDescription describe(Target target, ClassFileLocator locator, ClassLoader loader) {
        return new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
            TypePool.Default.ReaderMode.FAST, new DefinedWithoutClassFile(locator, loader))
            .describe(target.className).resolve();
    }

    /**
     * The pool asked first, which answers only for types that have no class file to read: those
     * another agent defined in memory, such as the interface the OpenTelemetry Java agent adds to the
     * JDK classes it instruments. They are loaded already, so describing them from the loaded class
     * loads nothing new. Every other type is left to the class-file pool.
     */
    private static final class DefinedWithoutClassFile implements TypePool {
        private final ClassFileLocator classFiles;
        private final ClassLoader loader;

        DefinedWithoutClassFile(ClassFileLocator classFiles, ClassLoader loader) {
            this.classFiles = classFiles;
            this.loader = loader;
        }

        @Override
        public Resolution describe(String name) {
            if (name.startsWith("[")) {
                // An array: the class-file pool describes it from its component. Loading it here would load the
                // component, which may be the very class being woven (InetAddress[] of InetAddress's own methods).
                return new Resolution.Illegal(name);
            }
            try {
                if (classFiles.locate(name).isResolved()) {
                    return new Resolution.Illegal(name);
                }
            } catch (java.io.IOException unreadable) {
                return new Resolution.Illegal(name);
            }
            return (loader == null ? TypePool.ClassLoading.ofBootLoader() : TypePool.ClassLoading.of(loader)).describe(name);
        }

        @Override
        public void clear() {
            // nothing kept
        }
    }
}
