package io.connscope.agent.instrument;

/**
 * Which socket stream classes carry {@code java.net.Socket} I/O in this JVM. JDK 13+ wrap every
 * impl's streams in {@code Socket$SocketInputStream}/{@code $SocketOutputStream}; JDK 8-12, and
 * JDK 13-17 run with {@code -Djdk.net.usePlainSocketImpl}, do the work in the legacy
 * {@code java.net.SocketInputStream}/{@code SocketOutputStream}. Exactly one pair is hooked so that
 * bytes are never counted twice.
 */
public final class SocketPath {

    private SocketPath() {
    }

    public static boolean legacy() {
        if (!exists("java.net.PlainSocketImpl")) {
            return false;
        }
        if (!exists("java.net.Socket$SocketInputStream")) {
            return true;
        }
        String flag = System.getProperty("jdk.net.usePlainSocketImpl");
        return flag != null && (flag.isEmpty() || Boolean.parseBoolean(flag));
    }

    /**
     * Whether the JDK has the class, without loading it: Socket$SocketInputStream is one connscope
     * instruments, and asked for before the transformer is in place it would be loaded untransformed.
     */
    private static boolean exists(String name) {
        return ClassLoader.getSystemResource(name.replace('.', '/') + ".class") != null;
    }
}
