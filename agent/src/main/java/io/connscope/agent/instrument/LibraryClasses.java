package io.connscope.agent.instrument;

import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;

/**
 * Which classes outside java.base may need advice as SSLEngines, told cheaply at every class load:
 * an engine's class file names {@code javax/net/ssl/SSLEngine} (its superclass) or
 * {@code javax/net/ssl/SSLEngineResult} (what its wrap and unwrap return), and only a class that does
 * has its superclasses read to be sure.
 */
final class LibraryClasses {

    private static final byte[] ENGINE = "javax/net/ssl/SSLEngine".getBytes(StandardCharsets.US_ASCII);
    /** The JDK's classes outside java.base, which holds the one JDK engine. */
    private static final String[] NEVER = {"java/", "javax/", "jdk/", "sun/", "com/sun/"};

    private LibraryClasses() {
    }

    static boolean mayBeEngine(ClassLoader loader, String internalName, byte[] classFile) {
        for (String prefix : NEVER) {
            if (internalName.startsWith(prefix)) {
                return false;
            }
        }
        return contains(classFile, ENGINE);
    }

    /** An SSLEngine class, loaded before connscope was attached, to retransform. */
    static boolean isEngine(Class<?> c) {
        return c.getClassLoader() != null && SSLEngine.class.isAssignableFrom(c) && !c.isInterface();
    }

    static boolean contains(byte[] data, byte[] pattern) {
        byte first = pattern[0];
        int last = data.length - pattern.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int k = 1; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
