package io.connscope.agent.connection;

import io.connscope.agent.AgentLog;
import io.connscope.agent.http.AnalysisMemory;
import io.connscope.agent.http.ClientRequest;
import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.instrument.JdkInternals;
import io.connscope.agent.text.SafeText;
import io.connscope.bridge.Bridge;
import io.connscope.bridge.ConnectionSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Turns the bridge's raw hook calls into connection records: registers connections when they are
 * established, counts their I/O, and hands each finished record to the export pipeline.
 */
public final class ConnectionTracker implements ConnectionSink, UringWrites {

    /** error.type of a non-blocking connect that was closed before it completed. */
    static final String CONNECT_ABANDONED = "connect_abandoned";

    private final ConnectionRegistry registry;
    private final Destinations destinations;
    private final JdkInternals jdk;
    private final FinishedSink finished;
    private final CallSites callSites;
    private final TelemetryEndpoints collectors;
    private final HttpAnalysis http;
    private final AtomicLong ids = new AtomicLong();
    private final AttachAdoption adoption;
    private final EngineTls engineTls;
    private final WireBytesFeed wire;
    private final IoUringEvents uring;
    /**
     * Per thread: the HttpURLConnection whose request is being written ([0] its identity hash, [1]
     * 1 when it is resending after a failed write), for the JDK HttpClient's writeRequests that follows.
     */
    private final ThreadLocal<int[]> urlConnection = new ThreadLocal<>();

    public ConnectionTracker(ConnectionRegistry registry, Destinations destinations, JdkInternals jdk,
                             FinishedSink finished, ResendDetector resends, CallSites callSites,
                             TelemetryEndpoints collectors, AnalysisMemory analysisMemory) {
        this.collectors = collectors;
        this.http = new HttpAnalysis(finished, resends, jdk, analysisMemory);
        this.registry = registry;
        this.engineTls = new EngineTls(registry, http);
        this.wire = new WireBytesFeed(http, engineTls);
        this.uring = new IoUringEvents(this, this);
        this.adoption = new AttachAdoption(registry, destinations, collectors, ids, this::track);
        this.destinations = destinations;
        this.jdk = jdk;
        this.finished = finished;
        this.callSites = callSites;
    }

    // ---- hot path ----

    @Override
    public void uringSubmitted(byte opcode, byte flags, int fd, long off, long address, int length, long userData) {
        uring.submitted(opcode, flags, fd, off, address, length, userData);
    }

    @Override
    public void uringCompleted(int result, int flags, long userData) {
        uring.completed(result, flags, userData);
    }

    @Override
    public void read(Object key, long bytes, Throwable failure, Object data, int offset) {
        ConnectionRecord r = tracked(key);
        if (r != null && received(r, key, bytes, failure)) {
            wire.bytes(r, key, r.role == Role.SERVER, data, offset, bytes);
        }
    }

    @Override
    public void write(Object key, long bytes, Throwable failure, Object data, int offset) {
        ConnectionRecord r = tracked(key);
        if (r != null && sent(r, key, bytes, failure)) {
            wire.bytes(r, key, r.role == Role.CLIENT, data, offset, bytes);
        }
    }

    @Override
    public void writeGathered(Object key, long bytes, Throwable failure, Object[] buffers, int offset) {
        ConnectionRecord r = registry.get(key);
        if (r != null && sent(r, key, bytes, failure)) {
            wire.gathered(r, key, r.role == Role.CLIENT, buffers, offset, bytes);
        }
    }

    @Override
    public void readNative(Object key, long bytes, Throwable failure, long address) {
        ConnectionRecord r = registry.get(key);
        if (r != null && received(r, key, bytes, failure)) {
            wire.nativeBytes(r, key, r.role == Role.SERVER, address, -1, bytes);
        }
    }

    @Override
    public void writeNative(Object key, long bytes, Throwable failure, long address, int iovecs) {
        ConnectionRecord r = registry.get(key);
        if (r != null && sent(r, key, bytes, failure)) {
            wire.nativeBytes(r, key, r.role == Role.CLIENT, address, iovecs, bytes);
        }
    }

    @Override
    public void writeRanges(Object key, long bytes, long[] bases, int[] lengths, int count) {
        ConnectionRecord r = registry.get(key);
        if (r != null && sent(r, key, bytes, null)) {
            long left = bytes;
            for (int i = 0; i < count && left > 0; i++) {
                long take = Math.min(left, lengths[i]);
                wire.nativeBytes(r, key, r.role == Role.CLIENT, bases[i], -1, take);
                left -= take;
            }
            if (left > 0) {
                wire.bytes(r, key, r.role == Role.CLIENT, null, 0, left); // past the ranges kept: counted, not read
            }
        }
    }

    /** Counts a read; true when it brought bytes the analysis may want. */
    private boolean received(ConnectionRecord r, Object key, long bytes, Throwable failure) {
        if (failure != null) {
            onIoFailure(r, key, failure, ConnectionEvent.RESET_ON_READ);
            return false;
        }
        boolean firstEof = bytes < 0 && r.role == Role.CLIENT && !r.events.contains(ConnectionEvent.EOF);
        r.onRead(bytes, System.nanoTime());
        if (firstEof) {
            http.attemptFailed(r, key, "eof");
        }
        return bytes > 0 && !r.tlsPlaintext;
    }

    /** Counts a write; true when it sent bytes the analysis may want. */
    private boolean sent(ConnectionRecord r, Object key, long bytes, Throwable failure) {
        if (failure != null) {
            onIoFailure(r, key, failure, ConnectionEvent.RESET_ON_WRITE);
            return false;
        }
        r.onWrite(bytes, System.nanoTime());
        return bytes > 0 && !r.tlsPlaintext;
    }

    @Override
    public void plaintext(Object sslSocket, boolean inbound, byte[] b, int offset, int length) {
        ConnectionRecord r = registry.get(sslSocket);
        if (r == null) {
            r = registry.get(jdk.sslTransport(sslSocket));
        }
        if (r != null) {
            http.feed(r, inbound == (r.role == Role.SERVER), b, offset, length);
        }
    }

    @Override
    public void tlsEngine(Object engine, boolean wrap, Object result, Throwable failure, Object[] plain,
                          int plainOffset, Object net, int netOffset) {
        engineTls.engineCall(engine, wrap, result, failure, plain, plainOffset, net, netOffset);
    }

    /** Followed connections whose ClientHello was dropped unpaired: too many waited for their engines at once. */
    public long tlsEnginesNotPaired() {
        return engineTls.notPaired();
    }

    /** Connections to telemetry collectors, not followed. */
    public long collectorConnectionsIgnored() {
        return collectors.ignored();
    }

    /** The HTTP analysis of the connections, and what it could not do. */
    public HttpAnalysis http() {
        return http;
    }

    private void onIoFailure(ConnectionRecord r, Object key, Throwable failure, ConnectionEvent reset) {
        boolean wasReset = isReset(failure);
        if (wasReset && !r.events.contains(reset)) {
            if (r.resetNanos == 0L) {
                r.resetNanos = System.nanoTime();
            }
            r.events.add(reset);
        }
        http.attemptFailed(r, key, wasReset ? "connection_reset" : "io_error");
    }

    /** "Connection reset", "Connection reset by peer" and "Broken pipe": the peer sent RST. */
    static boolean isReset(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        String m = t.getMessage();
        if (m == null) {
            return false;
        }
        String lower = m.toLowerCase(Locale.ROOT);
        return lower.contains("connection reset") || lower.contains("broken pipe");
    }

    /** The record of a socket's read or write: one registry lookup, and after an attach, adoption on a miss. */
    private ConnectionRecord tracked(Object key) {
        ConnectionRecord r = registry.get(key);
        return r == null ? adoption.adopt(key) : r;
    }

    // ---- connections open before an attach ----

    /** After an attach to a running JVM: connections already open are followed from their next I/O. */
    public void adoptOpenConnections() {
        adoption.start();
    }

    public void stopAdopting() {
        adoption.stop();
    }

    /** Connections that were open before the attach and followed since. */
    public long adopted() {
        return adoption.adopted();
    }

    // ---- java.net.Socket ----

    @Override
    public void socketConnected(Object socket, Object endpoint, long startNanos, long endNanos, Throwable failure) {
        InetSocketAddress target = endpoint instanceof InetSocketAddress ? (InetSocketAddress) endpoint : null;
        if (collectors.isCollector(target)) {
            return;
        }
        String host = target == null ? "unknown" : target.getHostString();
        int port = target == null ? 0 : target.getPort();
        Destination d = destinations.of(Role.CLIENT, host, port);
        ConnectionRecord r = new ConnectionRecord(ids.incrementAndGet(), Role.CLIENT, "socket", d, startNanos);
        callSites.recordOpenedAt(r, startNanos);
        if (failure != null) {
            connectFailed(r, target, failure, endNanos);
            return;
        }
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
    }

    @Override
    public void socketAccepted(Object serverSocket, Object socket) {
        Socket s = (Socket) socket;
        if (!s.isConnected()) {
            return;
        }
        long now = System.nanoTime();
        Destination d = destinations.of(Role.SERVER, null, ((ServerSocket) serverSocket).getLocalPort());
        ConnectionRecord r = new ConnectionRecord(ids.incrementAndGet(), Role.SERVER, "socket", d, now);
        describe(r, s.getInetAddress(), s.getPort(), s.getLocalAddress(), s.getLocalPort());
        r.noDelay = noDelayOf(s);
        r.connectEndNanos = now;
        r.events.add(ConnectionEvent.ACCEPT);
        track(socket, r);
        d.stats.opened.incrementAndGet();
    }

    private void track(Object key, ConnectionRecord r) {
        r.lingerSeconds = SocketKeys.linger(key);
        http.start(r, key);
        // The JDK's SSLSocket is analysed from its plaintext streams, not the ciphertext. Another's (Conscrypt's
        // engine socket) puts ciphertext through the plain socket's streams: its SSLEngine is followed as any other.
        r.tlsPlaintext = key instanceof SSLSocket && key.getClass().getClassLoader() == null;
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

    @Override
    public void channelConnectStarted(Object channel, Object endpoint, long startNanos, boolean connected,
                                      Throwable failure) {
        if (!(endpoint instanceof InetSocketAddress) || !SocketKeys.isTcp(channel)) {
            return; // a Unix domain socket, or a native transport's UDP: not TCP
        }
        InetSocketAddress target = (InetSocketAddress) endpoint;
        if (collectors.isCollector(target)) {
            return;
        }
        Destination d = destinations.of(Role.CLIENT, target.getHostString(), target.getPort());
        ConnectionRecord r = new ConnectionRecord(ids.incrementAndGet(), Role.CLIENT, SocketKeys.api(channel), d, startNanos);
        callSites.recordOpenedAt(r, startNanos);
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

    @Override
    public void channelConnectFinishing(Object channel) {
        ConnectionRecord r = registry.get(channel);
        if (r != null && r.connectEndNanos == 0L) {
            r.finishingConnect = Thread.currentThread();
        }
    }

    @Override
    public void channelConnectFinished(Object channel, boolean connected, Throwable failure) {
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
    }

    @Override
    public void channelAccepted(Object serverChannel, Object channel) {
        InetSocketAddress listen = SocketKeys.isTcp(channel) ? SocketKeys.address(serverChannel, false) : null;
        if (listen == null) {
            return; // a Unix domain socket: not TCP
        }
        long now = System.nanoTime();
        Destination d = destinations.of(Role.SERVER, null, listen.getPort());
        ConnectionRecord r = new ConnectionRecord(ids.incrementAndGet(), Role.SERVER, SocketKeys.api(channel), d, now);
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

    private void connectFailed(ConnectionRecord r, InetSocketAddress target, String errorType, long now) {
        if (target != null && target.getAddress() != null) {
            r.peerAddress = hostAddress(target.getAddress());
            r.peerPort = target.getPort();
        }
        r.connectError = errorType;
        r.connectEndNanos = now;
        finish(r, now);
    }

    @Override
    public void uringSocket(Object socket, int fd) {
        uring.socketMade(socket, fd);
    }

    @Override
    public void noDelay(Object key, boolean on) {
        ConnectionRecord r = registry.get(key);
        if (r != null) {
            r.onNoDelay(on);
        }
    }

    @Override
    public void linger(Object key, int seconds) {
        ConnectionRecord r = registry.get(key);
        if (r == null && key instanceof SSLSocket) {
            r = registry.get(jdk.sslTransport(key));
        }
        if (r != null) {
            r.lingerSeconds = seconds;
        }
    }

    @Override
    public void shutdownInput(Object key) {
        ConnectionRecord r = registry.get(key);
        if (r != null) {
            r.events.add(ConnectionEvent.SHUTDOWN_INPUT);
        }
    }

    @Override
    public void shutdownOutput(Object key) {
        ConnectionRecord r = registry.get(key);
        if (r != null) {
            r.events.add(ConnectionEvent.SHUTDOWN_OUTPUT);
        }
    }

    @Override
    public void closing(Object key) {
        uring.closedDirectly(key);
        ConnectionRecord r = registry.get(key);
        if (r == null || r.isFinished()) {
            return;
        }
        if (r.connectEndNanos == 0L) {
            if (r.finishingConnect == Thread.currentThread()) {
                return; // finishConnect() failed and is closing the channel; its exit reports the failure
            }
            registry.remove(key);
            connectFailed(r, null, CONNECT_ABANDONED, System.nanoTime());
            return;
        }
        // The record stays findable until the export thread releases it (see release()).
        int unread = key instanceof Socket ? unreadInput((Socket) key, r) : 0;
        if (unread > 0) {
            r.unreadAtClose = unread;
            r.events.add(ConnectionEvent.UNREAD_AT_CLOSE);
        }
        if (r.lingerSeconds == 0) {
            r.closedWithLingerZero = true;
            r.events.add(ConnectionEvent.LINGER_ZERO_CLOSE);
        }
        r.events.add(ConnectionEvent.CLOSE);
        http.attemptFailed(r, key, "closed");
        finish(r, System.nanoTime());
    }

    /** Bytes the peer sent that were never read: closing now makes the kernel answer with RST. */
    private static int unreadInput(Socket s, ConnectionRecord r) {
        if (r.events.contains(ConnectionEvent.EOF) || r.events.contains(ConnectionEvent.SHUTDOWN_INPUT)
            || s.isClosed() || s.isInputShutdown()) {
            return 0;
        }
        try {
            return s.getInputStream().available();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void tlsHandshake(Object sslSocket, long startNanos, long endNanos, long startEpochMillis, Throwable failure) {
        ConnectionRecord r = registry.get(sslSocket);
        if (r == null) {
            r = registry.get(jdk.sslTransport(sslSocket));
            if (r != null && !r.tlsPlaintext) {
                // TLS layered over a tracked plain socket: analyse its plaintext from now on.
                http.start(r, sslSocket);
                r.tlsPlaintext = true;
            }
        }
        if (r == null) {
            return;
        }
        r.tlsHandshakes++;
        if (r.tls != null) {
            return;
        }
        TlsInfo info;
        if (failure != null) {
            info = new TlsInfo(startNanos, endNanos, null, null, null, null, failure.getClass().getName());
        } else {
            SSLSocket s = (SSLSocket) sslSocket;
            SSLSession session = s.getSession();
            String alpn = s.getApplicationProtocol();
            info = new TlsInfo(startNanos, endNanos, TlsInfo.protocolVersion(session.getProtocol()), session.getCipherSuite(),
                session.getCreationTime() < startEpochMillis, alpn == null || alpn.isEmpty() ? null : alpn, null);
        }
        info.recordOn(r);
    }

    // ---- HttpURLConnection (sun.net.www.protocol.http / sun.net.www.http) ----

    @Override
    public void urlConnectionWriting(Object urlConnection, boolean resending) {
        int[] writer = this.urlConnection.get();
        if (writer == null) {
            writer = new int[2];
            this.urlConnection.set(writer);
        }
        writer[0] = System.identityHashCode(urlConnection);
        writer[1] = resending ? 1 : 0;
    }

    @Override
    public void urlConnectionRequest(Object socket, boolean resending) {
        ConnectionRecord r = clientRecord(socket);
        HttpConnection http = r == null ? null : r.http;
        if (http == null) {
            return;
        }
        int[] writer = urlConnection.get();
        String resendPath = resending ? "parseHTTP" : writer != null && writer[1] == 1 ? "writeRequests" : null;
        http.clientHints().nextRequest(new ClientRequest(ClientRequest.HTTP_URL_CONNECTION, writer == null ? 0 : writer[0],
            http.clientHints().consumeTakenFromKeepAliveCache(), resendPath));
    }

    @Override
    public void keepAliveCacheHit(Object httpClient) {
        ConnectionRecord r = clientRecord(jdk.networkClientSocket(httpClient));
        HttpConnection http = r == null ? null : r.http;
        if (http != null) {
            http.clientHints().takenFromKeepAliveCache();
        }
    }

    /** The record of a client socket, found by the socket or, for layered TLS, by the socket under it. */
    private ConnectionRecord clientRecord(Object socket) {
        if (socket == null) {
            return null;
        }
        ConnectionRecord r = registry.get(socket);
        return r != null ? r : registry.get(jdk.sslTransport(socket));
    }

    @Override
    public void hookFailed(int hook, Throwable error, boolean disabled) {
        String name = Bridge.hookName(hook);
        if (disabled) {
            AgentLog.once("hook-disabled-" + name, "hook '" + name + "' disabled after repeated internal errors; "
                + "the other hooks keep working", error);
        } else {
            AgentLog.once("hook-failed-" + name, "internal error in hook '" + name + "' (the application is not affected): "
                + error, error);
        }
    }

    // ---- ending ----

    private void finish(ConnectionRecord r, long now) {
        if (r.finish(now)) {
            engineTls.connectionEnded(r, now);
            r.destination.stats.addEnded(r, r.classification());
            finished.connection(r);
        }
    }

    /** Reports connections whose socket was garbage-collected without close. */
    public void expungeCollected() {
        long now = System.nanoTime();
        for (ConnectionRecord r : registry.collected()) {
            if (!r.isFinished()) {
                r.events.add(ConnectionEvent.COLLECTED);
                finish(r, now);
            }
        }
    }

    /**
     * Settles a connection that ended a while ago, on the export thread: stops tracking it, adds
     * the bytes counted since it ended, and completes its HTTP analysis.
     */
    public void release(ConnectionRecord r) {
        registry.release(r);
        r.destination.stats.addLateBytes(r);
        HttpConnection http = r.http;
        if (http != null) {
            http.end(r.endNanos);
            r.destination.stats.addHttp(http);
        }
    }

    /** Ends every still-open connection as open-at-exit. */
    public void finishOpenAtExit() {
        long now = System.nanoTime();
        for (ConnectionRecord r : registry.open()) {
            if (!r.isFinished()) {
                finish(r, now);
            }
        }
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    public Destinations destinations() {
        return destinations;
    }
}
