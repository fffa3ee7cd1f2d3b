package io.connscope.agent.connection;

import io.connscope.agent.http.HttpConnection;
import io.connscope.agent.http.ResendDetector;
import io.connscope.agent.instrument.JdkInternals;
import io.connscope.agent.runtime.AgentLog;
import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireProtocol;
import io.connscope.bridge.Bridge;
import io.connscope.bridge.ConnectionSink;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * The bridge's sink: counts each connection's reads and writes on the hot path and feeds their bytes
 * to the analysis, and hands every other hook to the class that has that job: connections starting
 * ({@link ConnectionOpenings}) and ending ({@link ConnectionEndings}), the JDK client's own events
 * ({@link JdkClientEvents}), SSLEngines ({@link EngineTls}), io_uring rings ({@link IoUringEvents}),
 * the sockets an attach found open ({@link AttachAdoption}), and pool waits ({@link PoolLeases}).
 */
public final class ConnectionTracker implements ConnectionSink, UringWrites {

    private final ConnectionRegistry registry;
    private final Destinations destinations;
    private final JdkInternals jdk;
    private final FollowScope scope;
    private final WireAnalysis http;
    private final ConnectionOpenings openings;
    private final JdkClientEvents jdkEvents;
    private final ConnectionEndings endings;
    private final AttachAdoption adoption;
    private final EngineTls engineTls;
    private final WireBytesFeed wire;
    private final IoUringEvents uring;
    private final NameLookups names;
    private final NameTable nameTable;
    private final PoolLeases pools;

    public ConnectionTracker(ConnectionRegistry registry, Destinations destinations, JdkInternals jdk,
                             FinishedSink finished, ResendDetector resends, CallSites callSites,
                             FollowScope scope, AnalysisMemory analysisMemory, NagleBand nagleBand,
                             List<WireProtocol> protocols, NameTable names) {
        RecordFactory records = new RecordFactory(nagleBand);
        this.scope = scope;
        this.http = new WireAnalysis(finished, resends, jdk, analysisMemory, protocols);
        this.registry = registry;
        this.engineTls = new EngineTls(registry, http);
        this.wire = new WireBytesFeed(http, engineTls);
        this.uring = new IoUringEvents(this, this);
        this.endings = new ConnectionEndings(registry, http, engineTls, finished);
        this.names = new NameLookups(names, finished, JdkInternals::addressCacheSeconds, scope::followsName);
        this.nameTable = names;
        this.pools = new PoolLeases(destinations);
        this.openings = new ConnectionOpenings(registry, destinations, jdk, callSites, scope, http, records,
            endings::finish, this.names);
        this.jdkEvents = new JdkClientEvents(registry, jdk, http);
        this.adoption = new AttachAdoption(registry, destinations, scope, records, openings::track);
        this.destinations = destinations;
        this.jdk = jdk;
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
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        if (received(r, key, bytes, failure, now)) {
            wire.bytes(r, key, r.role == Role.SERVER, data, offset, bytes, now);
        }
    }

    @Override
    public void write(Object key, long bytes, Throwable failure, Object data, int offset) {
        ConnectionRecord r = tracked(key);
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        if (sent(r, key, bytes, failure, now)) {
            wire.bytes(r, key, r.role == Role.CLIENT, data, offset, bytes, now);
        }
    }

    @Override
    public void writeGathered(Object key, long bytes, Throwable failure, Object[] buffers, int offset) {
        ConnectionRecord r = registry.get(key);
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        if (sent(r, key, bytes, failure, now)) {
            wire.gathered(r, key, r.role == Role.CLIENT, buffers, offset, bytes, now);
        }
    }

    @Override
    public void readNative(Object key, long bytes, Throwable failure, long address) {
        ConnectionRecord r = registry.get(key);
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        if (received(r, key, bytes, failure, now)) {
            wire.nativeBytes(r, key, r.role == Role.SERVER, address, -1, bytes, now);
        }
    }

    @Override
    public void writeNative(Object key, long bytes, Throwable failure, long address, int iovecs) {
        ConnectionRecord r = registry.get(key);
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        if (sent(r, key, bytes, failure, now)) {
            wire.nativeBytes(r, key, r.role == Role.CLIENT, address, iovecs, bytes, now);
        }
    }

    @Override
    public void writeRanges(Object key, long bytes, long[] bases, int[] lengths, int count) {
        ConnectionRecord r = registry.get(key);
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        if (sent(r, key, bytes, null, now)) {
            long left = bytes;
            for (int i = 0; i < count && left > 0; i++) {
                long take = Math.min(left, lengths[i]);
                wire.nativeBytes(r, key, r.role == Role.CLIENT, bases[i], -1, take, now);
                left -= take;
            }
            if (left > 0) {
                wire.bytes(r, key, r.role == Role.CLIENT, null, 0, left, now); // past the ranges kept: counted, not read
            }
        }
    }

    /** Counts a read that returned at {@code now}; true when it brought bytes the analysis may want. */
    private boolean received(ConnectionRecord r, Object key, long bytes, Throwable failure, long now) {
        if (failure != null) {
            onIoFailure(r, key, failure, ConnectionEvent.RESET_ON_READ);
            return false;
        }
        boolean firstEof = bytes < 0 && r.role == Role.CLIENT && !r.events.contains(ConnectionEvent.EOF);
        r.onRead(bytes, now);
        if (firstEof) {
            http.attemptFailed(r, key, "eof");
        }
        return bytes > 0 && !r.tls().plaintext;
    }

    /** Counts a write that returned at {@code now}; true when it sent bytes the analysis may want. */
    private boolean sent(ConnectionRecord r, Object key, long bytes, Throwable failure, long now) {
        if (failure != null) {
            onIoFailure(r, key, failure, ConnectionEvent.RESET_ON_WRITE);
            return false;
        }
        r.onWrite(bytes, now);
        return bytes > 0 && !r.tls().plaintext;
    }

    @Override
    public void plaintext(Object sslSocket, boolean inbound, byte[] b, int offset, int length) {
        ConnectionRecord r = registry.get(sslSocket);
        if (r == null) {
            r = registry.get(jdk.sslTransport(sslSocket));
        }
        if (r != null) {
            http.feed(r, inbound == (r.role == Role.SERVER), b, offset, length, System.nanoTime());
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
        return scope.collectorsIgnored();
    }

    /** Connections the connscope.destinations.* and connscope.listen.ports.* rules left out. */
    public long connectionsLeftOut() {
        return scope.excluded();
    }

    /** The HTTP analysis of the connections, and what it could not do. */
    public WireAnalysis http() {
        return http;
    }

    private void onIoFailure(ConnectionRecord r, Object key, Throwable failure, ConnectionEvent reset) {
        boolean wasReset = Errno.isReset(failure);
        if (wasReset && !r.events.contains(reset)) {
            if (r.resetNanos == 0L) {
                r.resetNanos = System.nanoTime();
            }
            r.events.add(reset);
        }
        HttpConnection h = r.http();
        if (!wasReset && reset == ConnectionEvent.RESET_ON_READ && h != null) {
            h.readFailed();
        }
        http.attemptFailed(r, key, wasReset ? "connection_reset" : "io_error");
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

    // ---- connections opened and accepted (see ConnectionOpenings) ----

    @Override
    public void socketConnected(Object socket, Object endpoint, long startNanos, long endNanos, Throwable failure) {
        openings.socketConnected(socket, endpoint, startNanos, endNanos, failure);
    }

    /** The look-ups the resolver made, per name. */
    public NameTable names() {
        return nameTable;
    }

    @Override
    public void nameLookedUp(String host, Object[] addresses, Throwable failure, long startNanos, long endNanos) {
        names.lookedUp(host, addresses, failure, startNanos, endNanos);
    }

    @Override
    public void poolWaited(Object route, Throwable failure, long startNanos, long endNanos) {
        pools.waited(route, failure, startNanos, endNanos);
    }

    @Override
    public void socketAccepted(Object serverSocket, Object socket) {
        openings.socketAccepted(serverSocket, socket);
    }

    @Override
    public void channelConnectStarted(Object channel, Object endpoint, long startNanos, boolean connected,
                                      Throwable failure) {
        openings.channelConnectStarted(channel, endpoint, startNanos, connected, failure);
    }

    @Override
    public void channelConnectFinishing(Object channel) {
        openings.channelConnectFinishing(channel);
    }

    @Override
    public void channelConnectFinished(Object channel, boolean connected, Throwable failure) {
        openings.channelConnectFinished(channel, connected, failure);
    }

    @Override
    public void channelAccepted(Object serverChannel, Object channel) {
        openings.channelAccepted(serverChannel, channel);
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
        endings.closing(key);
    }

    @Override
    public void tlsHandshake(Object sslSocket, long startNanos, long endNanos, long startEpochMillis, Throwable failure) {
        jdkEvents.tlsHandshake(sslSocket, startNanos, endNanos, startEpochMillis, failure);
    }

    // ---- HttpURLConnection (see JdkClientEvents) ----

    @Override
    public void urlConnectionWriting(Object urlConnection, boolean resending) {
        jdkEvents.urlConnectionWriting(urlConnection, resending);
    }

    @Override
    public void urlConnectionRequest(Object socket, boolean resending) {
        jdkEvents.urlConnectionRequest(socket, resending);
    }

    @Override
    public void keepAliveCacheHit(Object httpClient) {
        jdkEvents.keepAliveCacheHit(httpClient);
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

    // ---- ending (see ConnectionEndings) ----

    /** What runs on the pipeline's clock: settling ended connections, and ending the open ones at exit. */
    public Housekeeping housekeeping() {
        return endings;
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    public Destinations destinations() {
        return destinations;
    }
}
