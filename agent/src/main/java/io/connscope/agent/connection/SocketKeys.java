package io.connscope.agent.connection;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;

/**
 * What a connection's key tells about it, whatever it is: a JDK {@code NetworkChannel} (a
 * {@code SocketChannel} or {@code ServerSocketChannel}), or a Netty native-transport
 * {@code io.netty.channel.unix.Socket} under any relocation prefix, asked through its public methods
 * (connscope compiles against no copy of Netty). Called when a connection opens, never on I/O.
 */
final class SocketKeys {

    /** The API name of a connection over Netty's native transport, in {@code connscope.connection.api}. */
    static final String NATIVE = "netty-native";
    private static final String NATIVE_SOCKET = ".channel.unix.Socket";

    /** Per class: the native socket's methods, or null when the class is no native socket. */
    private static final ClassValue<NativeMethods> NATIVE_METHODS = new ClassValue<>() {
        @Override
        protected NativeMethods computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (c.getName().endsWith(NATIVE_SOCKET)) {
                    try {
                        return new NativeMethods(c.getMethod("remoteAddress"), c.getMethod("localAddress"),
                            c.getMethod("isTcpNoDelay"), c.getMethod("getSoLinger"), c.getMethod("intValue"));
                    } catch (NoSuchMethodException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    };

    private static final class NativeMethods {
        final Method remote;
        final Method local;
        final Method noDelay;
        final Method linger;
        final Method fd;

        NativeMethods(Method remote, Method local, Method noDelay, Method linger, Method fd) {
            this.remote = remote;
            this.local = local;
            this.noDelay = noDelay;
            this.linger = linger;
            this.fd = fd;
        }
    }

    private SocketKeys() {
    }

    static boolean isNative(Object key) {
        return key != null && NATIVE_METHODS.get(key.getClass()) != null;
    }

    /**
     * Whether the key is a TCP socket. A JDK {@code SocketChannel} always is; a native socket may be a
     * Unix domain socket (whose addresses Netty decodes as garbage IP addresses rather than refusing)
     * or UDP (a connected datagram socket goes through the same connect, recv and send): only TCP
     * answers TCP_NODELAY, the others fail with "Operation not supported" or "Protocol not available".
     */
    static boolean isTcp(Object key) {
        NativeMethods m = key == null ? null : NATIVE_METHODS.get(key.getClass());
        if (m == null) {
            return true;
        }
        try {
            m.noDelay.invoke(key);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** "channel" for a JDK channel, {@link #NATIVE} for a native socket. */
    static String api(Object key) {
        return isNative(key) ? NATIVE : "channel";
    }

    /** The peer's address ({@code remote}) or the local one, or null (not connected, not TCP, or failing). */
    static InetSocketAddress address(Object key, boolean remote) {
        try {
            SocketAddress a;
            NativeMethods m = key == null ? null : NATIVE_METHODS.get(key.getClass());
            if (m != null) {
                a = (SocketAddress) (remote ? m.remote : m.local).invoke(key);
            } else if (remote) {
                a = key instanceof SocketChannel ? ((SocketChannel) key).getRemoteAddress() : null;
            } else {
                a = key instanceof NetworkChannel ? ((NetworkChannel) key).getLocalAddress() : null;
            }
            return a instanceof InetSocketAddress ? (InetSocketAddress) a : null;
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A native socket's descriptor, or -1. */
    static int fd(Object key) {
        try {
            NativeMethods m = NATIVE_METHODS.get(key.getClass());
            return m == null ? -1 : (Integer) m.fd.invoke(key);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** SO_LINGER in seconds, negative when off (or unknown): a {@code Socket}, a channel or a native socket. */
    static int linger(Object key) {
        try {
            NativeMethods m = NATIVE_METHODS.get(key.getClass());
            if (m != null) {
                return (Integer) m.linger.invoke(key);
            }
            if (key instanceof Socket) {
                return ((Socket) key).getSoLinger();
            }
            return key instanceof NetworkChannel ? ((NetworkChannel) key).getOption(StandardSocketOptions.SO_LINGER) : -1;
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    static boolean noDelay(Object key) {
        try {
            NativeMethods m = NATIVE_METHODS.get(key.getClass());
            if (m != null) {
                return (Boolean) m.noDelay.invoke(key);
            }
            return key instanceof SocketChannel && ((SocketChannel) key).getOption(StandardSocketOptions.TCP_NODELAY);
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
