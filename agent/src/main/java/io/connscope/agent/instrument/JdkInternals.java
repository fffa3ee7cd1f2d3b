package io.connscope.agent.instrument;

import io.connscope.agent.runtime.AgentLog;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.util.Map;
import java.util.Set;

/**
 * Private JDK state that connscope reads off the hot path, through handles opened once at start-up.
 * Signatures verified with javap on JDK 17.0.15 and 25.0.3: {@code java.net.Socket.impl},
 * {@code java.net.DelegatingSocketImpl.delegate} (17), {@code sun.security.ssl.BaseSSLSocketImpl.self},
 * {@code sun.net.NetworkClient.serverSocket} (the socket of HttpURLConnection's HttpClient),
 * {@code java.nio.channels.spi.AbstractSelectableChannel.keys}.
 * Anything missing on a given JDK degrades to "unknown", never to an error.
 */
public final class JdkInternals {

    private final boolean legacySocketPath;
    private final VarHandle socketImpl;
    private final VarHandle implDelegate;
    private final VarHandle sslSelf;
    private final VarHandle networkClientSocket;
    /** The handle's receiver type, kept apart: VarHandle.coordinateTypes() copies a list on each call. */
    private final Class<?> networkClientClass;
    private final VarHandle channelKeys;

    private JdkInternals(boolean legacySocketPath, VarHandle socketImpl, VarHandle implDelegate, VarHandle sslSelf,
                         VarHandle networkClientSocket, VarHandle channelKeys) {
        this.legacySocketPath = legacySocketPath;
        this.socketImpl = socketImpl;
        this.implDelegate = implDelegate;
        this.sslSelf = sslSelf;
        this.networkClientSocket = networkClientSocket;
        this.networkClientClass = networkClientSocket == null ? null : networkClientSocket.coordinateTypes().get(0);
        this.channelKeys = channelKeys;
    }

    public static JdkInternals open(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module self = JdkInternals.class.getModule();
        try {
            inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(self)),
                Map.of("java.net", Set.of(self), "sun.security.ssl", Set.of(self), "sun.net", Set.of(self),
                    "java.nio.channels.spi", Set.of(self)),
                Set.of(), Map.of());
        } catch (RuntimeException e) {
            AgentLog.once("open-java-base", "could not open java.base internals (" + e
                + "); layered TLS sockets, the legacy socket path and HttpURLConnection's keep-alive cache will not be"
                + " followed", e);
        }
        boolean legacy = SocketPath.legacy();
        VarHandle impl = null;
        VarHandle delegate = null;
        if (legacy) {
            impl = field(Socket.class, "impl");
            // JDK 13-17 wrap client impls (SocksSocketImpl, HttpConnectSocketImpl) around the
            // PlainSocketImpl that owns the streams.
            delegate = optionalField("java.net.DelegatingSocketImpl", "delegate");
        }
        VarHandle ssl = optionalField("sun.security.ssl.BaseSSLSocketImpl", "self");
        VarHandle clientSocket = optionalField("sun.net.NetworkClient", "serverSocket");
        VarHandle keys = field(AbstractSelectableChannel.class, "keys");
        return new JdkInternals(legacy, impl, delegate, ssl, clientSocket, keys);
    }

    private static VarHandle optionalField(String owner, String name) {
        try {
            return field(Class.forName(owner), name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static VarHandle field(Class<?> owner, String name) {
        try {
            Class<?> type = owner.getDeclaredField(name).getType();
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            AgentLog.debug("JDK field " + owner.getName() + "." + name + " unavailable: " + e);
            return null;
        }
    }

    /** True when socket I/O goes through the pre-JDK 13 PlainSocketImpl streams. */
    public boolean legacySocketPath() {
        return legacySocketPath;
    }

    /** The SocketImpl whose streams carry a socket's I/O (legacy path only), or null. */
    public Object socketImpl(Socket socket) {
        if (socketImpl == null) {
            return null;
        }
        Object impl = socketImpl.get(socket);
        while (impl != null && implDelegate != null && implDelegate.coordinateTypes().get(0).isInstance(impl)) {
            impl = implDelegate.get(impl);
        }
        return impl;
    }

    /** The socket an SSL socket is layered over, or the socket itself. */
    public Object sslTransport(Object sslSocket) {
        if (sslSelf == null) {
            return sslSocket;
        }
        try {
            Object s = sslSelf.get(sslSocket);
            return s == null ? sslSocket : s;
        } catch (RuntimeException e) {
            return sslSocket;
        }
    }

    /** The socket of an HttpURLConnection client ({@code sun.net.NetworkClient}), or null. */
    public Object networkClientSocket(Object networkClient) {
        if (networkClientSocket == null || !networkClientClass.isInstance(networkClient)) {
            return null;
        }
        return networkClientSocket.get(networkClient);
    }

    /** The selector a channel is registered with (its first key's), or null when it is not registered. */
    public Selector selectorOf(Object channel) {
        if (channelKeys == null || !(channel instanceof AbstractSelectableChannel)) {
            return null;
        }
        SelectionKey[] keys = (SelectionKey[]) channelKeys.get(channel);
        if (keys != null) {
            for (SelectionKey k : keys) {
                if (k != null) {
                    return k.selector();
                }
            }
        }
        return null;
    }

    /**
     * How long the JDK keeps a successful look-up, in seconds, -1 for ever: {@code
     * sun.net.InetAddressCachePolicy.get()} (java.base's {@code sun.net} is opened to connscope), its
     * own reading of {@code networkaddress.cache.ttl}, {@code sun.net.inetaddr.ttl} and, on JDK 17, a
     * security manager with neither set. 30, the default, when it cannot be read.
     */
    public static int addressCacheSeconds() {
        try {
            return (Integer) Class.forName("sun.net.InetAddressCachePolicy").getMethod("get").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            AgentLog.debug("the JDK's address cache policy is unreadable: " + e);
            return 30;
        }
    }
}
