package io.connscope.agent.connection;

import io.connscope.agent.instrument.JdkInternals;
import io.connscope.agent.text.SafeText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;

/**
 * How connections start being followed: a {@code Socket} connected or accepted, a {@code SocketChannel}
 * (or a native transport's socket) connecting, connected or accepted. Each becomes a record, described
 * with its addresses, options and destination, and registered under its key; a connect that failed
 * becomes a record that ends at once.
 */
final class ConnectionOpenings {

    /** Ends a record: its connection is over. */
    interface Ending {
        void finish(ConnectionRecord r, long now);
    }

    private final ConnectionRegistry registry;
    private final Destinations destinations;
    private final JdkInternals jdk;
    private final CallSites callSites;
    private final FollowScope scope;
    private final WireAnalysis http;
    private final RecordFactory records;
    private final Ending ending;
    private final NameLookups names;

    ConnectionOpenings(ConnectionRegistry registry, Destinations destinations, JdkInternals jdk, CallSites callSites,
                       FollowScope scope, WireAnalysis http, RecordFactory records, Ending ending, NameLookups names) {
        this.registry = registry;
        this.destinations = destinations;
        this.jdk = jdk;
        this.callSites = callSites;
        this.scope = scope;
        this.http = http;
        this.records = records;
        this.ending = ending;
        this.names = names;
    }

    // ---- java.net.Socket ----

    void socketConnected(Object socket, Object endpoint, long startNanos, long endNanos, Throwable failure) {
        InetSocketAddress target = endpoint instanceof InetSocketAddress ? (InetSocketAddress) endpoint : null;
        if (!scope.followsClient(target)) {
            return;
        }
        String host = target == null ? "unknown" : target.getHostString();
        int port = target == null ? 0 : target.getPort();
        Destination d = destinations.of(Role.CLIENT, host, port);
        ConnectionRecord r = records.create(Role.CLIENT, "socket", d, startNanos);
        callSites.recordOpenedAt(r, startNanos);
        r.resolution = names.connecting(target, startNanos, true);
        if (failure != null) {
            connectFailed(r, target, failure, endNanos);
            return;
        }
        names.connected();
        Socket s = (Socket) socket;
        describe(r, s.getInetAddress(), s.getPort(), s.getLocalAddress(), s.getLocalPort());
        r.noDelay = noDelayOf(s);
        r.connectEndNanos = endNanos;
        r.events.add(ConnectionEvent.CONNECT);
        track(socket, r);
        opened(r);
        d.stats.connectTime.record(endNanos - startNanos);
    }

    /** Counts an established outbound connection, and how many were open to its destination with it. */
    static void opened(ConnectionRecord r) {
        DestinationStats s = r.destination.stats;
        r.concurrentAtOpen = s.opened.incrementAndGet() - s.ended.get();
        if (r.role == Role.CLIENT && r.connectEndNanos != 0L) { // adopted at attach: no connect time
            s.recentConnects.add(r.connectEndNanos);
        }
    }

    void socketAccepted(Object serverSocket, Object socket) {
        Socket s = (Socket) socket;
        int listening = ((ServerSocket) serverSocket).getLocalPort();
        if (!s.isConnected() || !scope.followsServer(listening)) {
            return;
        }
        long now = System.nanoTime();
        Destination d = destinations.of(Role.SERVER, null, listening);
        ConnectionRecord r = records.create(Role.SERVER, "socket", d, now);
        describe(r, s.getInetAddress(), s.getPort(), s.getLocalAddress(), s.getLocalPort());
        r.noDelay = noDelayOf(s);
        r.connectEndNanos = now;
        r.events.add(ConnectionEvent.ACCEPT);
        track(socket, r);
        d.stats.opened.incrementAndGet();
    }

    /** Starts following a connection under its key (and, on the legacy socket path, its SocketImpl). */
    void track(Object key, ConnectionRecord r) {
        r.lingerSeconds = SocketKeys.linger(key);
        http.start(r, key);
        // The JDK's SSLSocket is analysed from its plaintext streams, not the ciphertext. Another's (Conscrypt's
        // engine socket) puts ciphertext through the plain socket's streams: its SSLEngine is followed as any other.
        if (key instanceof SSLSocket && key.getClass().getClassLoader() == null) {
            TlsFacts.of(r).plaintext = true;
        }
        if (registry.register(key, r) && key instanceof Socket && jdk.legacySocketPath()) {
            Object impl = jdk.socketImpl((Socket) key);
            if (impl != null) {
                registry.alias(impl, r);
            }
        }
    }

    private static boolean noDelayOf(Socket s) {
        try {
            return s.getTcpNoDelay();
        } catch (SocketException e) {
            return false;
        }
    }

    // ---- SocketChannel ----

    void channelConnectStarted(Object channel, Object endpoint, long startNanos, boolean connected,
                                      Throwable failure) {
        if (!(endpoint instanceof InetSocketAddress) || !SocketKeys.isTcp(channel)) {
            return; // a Unix domain socket, or a native transport's UDP: not TCP
        }
        InetSocketAddress target = (InetSocketAddress) endpoint;
        if (!scope.followsClient(target)) {
            return;
        }
        Destination d = destinations.of(Role.CLIENT, target.getHostString(), target.getPort());
        ConnectionRecord r = records.create(Role.CLIENT, SocketKeys.api(channel), d, startNanos);
        callSites.recordOpenedAt(r, startNanos);
        r.resolution = names.connecting(target, startNanos, false);
        if (failure != null) {
            connectFailed(r, target, failure, System.nanoTime());
            return;
        }
        r.peerAddress = target.getAddress() == null ? null : hostAddress(target.getAddress());
        r.peerPort = target.getPort();
        if (registry.get(channel) != null) {
            return; // connect() called again on a channel that is already tracked
        }
        track(channel, r);
        if (connected) {
            channelEstablished(channel, r);
        }
    }

    void channelConnectFinishing(Object channel) {
        ConnectionRecord r = registry.get(channel);
        if (r != null && r.connectEndNanos == 0L) {
            r.finishingConnect = Thread.currentThread();
        }
    }

    void channelConnectFinished(Object channel, boolean connected, Throwable failure) {
        ConnectionRecord r = registry.get(channel);
        if (r == null || r.connectEndNanos != 0L) {
            return;
        }
        r.finishingConnect = null;
        if (failure != null) {
            registry.remove(channel);
            connectFailed(r, null, failure, System.nanoTime());
        } else if (connected) {
            channelEstablished(channel, r);
        }
    }

    /** A channel, or a native transport's socket, connected. */
    private void channelEstablished(Object ch, ConnectionRecord r) {
        long now = System.nanoTime();
        InetSocketAddress peer = SocketKeys.address(ch, true);
        InetSocketAddress local = SocketKeys.address(ch, false);
        describe(r, peer == null ? null : peer.getAddress(), peer == null ? 0 : peer.getPort(),
            local == null ? null : local.getAddress(), local == null ? 0 : local.getPort());
        r.noDelay = SocketKeys.noDelay(ch);
        r.connectEndNanos = now;
        r.events.add(ConnectionEvent.CONNECT);
        opened(r);
        r.destination.stats.connectTime.record(now - r.openNanos);
        names.connected();
    }

    void channelAccepted(Object serverChannel, Object channel) {
        InetSocketAddress listen = SocketKeys.isTcp(channel) ? SocketKeys.address(serverChannel, false) : null;
        if (listen == null || !scope.followsServer(listen.getPort())) {
            return; // a Unix domain socket (not TCP), or a port left out
        }
        long now = System.nanoTime();
        Destination d = destinations.of(Role.SERVER, null, listen.getPort());
        ConnectionRecord r = records.create(Role.SERVER, SocketKeys.api(channel), d, now);
        InetSocketAddress peer = SocketKeys.address(channel, true);
        InetSocketAddress local = SocketKeys.address(channel, false);
        describe(r, peer == null ? null : peer.getAddress(), peer == null ? 0 : peer.getPort(),
            local == null ? null : local.getAddress(), local == null ? 0 : local.getPort());
        r.noDelay = SocketKeys.noDelay(channel);
        r.connectEndNanos = now;
        r.events.add(ConnectionEvent.ACCEPT);
        track(channel, r);
        d.stats.opened.incrementAndGet();
    }

    // ---- shared lifecycle ----

    static void describe(ConnectionRecord r, InetAddress peer, int peerPort, InetAddress local, int localPort) {
        r.peerAddress = peer == null ? r.peerAddress : hostAddress(peer);
        r.peerPort = peerPort == 0 ? r.peerPort : peerPort;
        r.localAddress = local == null ? null : hostAddress(local);
        r.localPort = localPort;
    }

    /** Interned: thousands of open connections share a handful of addresses, and each string would be kept per connection. */
    private static String hostAddress(InetAddress a) {
        return a.getHostAddress().intern();
    }

    private void connectFailed(ConnectionRecord r, InetSocketAddress target, Throwable failure, long now) {
        r.connectErrorMessage = SafeText.of(failure.getMessage(), ConnectionRecord.MAX_ERROR_MESSAGE);
        connectFailed(r, target, failure.getClass().getName(), now);
    }

    /** A connect that did not establish the connection: recorded, and the record ends now. */
    void connectFailed(ConnectionRecord r, InetSocketAddress target, String errorType, long now) {
        if (target != null && target.getAddress() != null) {
            r.peerAddress = hostAddress(target.getAddress());
            r.peerPort = target.getPort();
        }
        r.connectError = errorType;
        r.connectEndNanos = now;
        names.connectFailed(r, now);
        ending.finish(r, now);
    }
}
