package io.connscope.agent.connection;

import io.connscope.bridge.Bridge;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * After an attach to a running JVM, the JDK's sockets and channels that were already open: each is
 * followed from its next read or write. Its role is a guess, as its connect or accept was not seen:
 * the side with the lower port is taken to be the server, which holds for servers on their usual ports.
 */
final class AttachAdoption {

    /** Starts following a connection under its key. */
    interface Follow {
        void track(Object key, ConnectionRecord r);
    }

    private final ConnectionRegistry registry;
    private final Destinations destinations;
    private final FollowScope scope;
    private final RecordFactory records;
    private final Follow follow;
    private final AtomicLong adopted = new AtomicLong();
    /** Sockets an attach found open and that are not to be followed. */
    private final DeclinedKeys declined = new DeclinedKeys(1024);
    private volatile boolean on;

    AttachAdoption(ConnectionRegistry registry, Destinations destinations, FollowScope scope, RecordFactory records,
                   Follow follow) {
        this.registry = registry;
        this.destinations = destinations;
        this.scope = scope;
        this.records = records;
        this.follow = follow;
    }

    void start() {
        on = true;
    }

    void stop() {
        on = false;
    }

    /**
     * A Socket or SocketChannel that is not tracked, met at a read or write: after an attach, followed
     * from here on, marked seen since attach; else null. The checks that turn a socket away allocate
     * nothing, and a socket turned away is remembered, so the sockets connscope never follows (its own,
     * a collector's, one past the limit) cost only a lookup in {@link #declined} on their later I/O.
     */
    ConnectionRecord adopt(Object key) {
        if (!on || !(key instanceof Socket || key instanceof SocketChannel) || Bridge.isAgentThread()
            || declined.contains(key)) {
            return null; // the legacy path's SocketImpl is not adopted
        }
        return adoptOnce(key);
    }

    /** Once per connection: follows it, or remembers that it is not to be followed. */
    private synchronized ConnectionRecord adoptOnce(Object key) {
        ConnectionRecord known = registry.get(key);
        if (known != null) {
            return known;
        }
        ConnectionRecord r = adoptable(key);
        if (r == null) {
            declined.add(key);
        }
        return r;
    }

    private ConnectionRecord adoptable(Object key) {
        InetSocketAddress remote;
        InetSocketAddress local;
        try {
            if (key instanceof Socket) {
                Socket s = (Socket) key;
                if (!s.isConnected() || s.isClosed()) {
                    return null;
                }
                remote = (InetSocketAddress) s.getRemoteSocketAddress();
                local = (InetSocketAddress) s.getLocalSocketAddress();
            } else {
                SocketChannel c = (SocketChannel) key;
                SocketAddress peer = c.getRemoteAddress();
                if (!(peer instanceof InetSocketAddress)) {
                    return null; // not connected, or a Unix domain socket
                }
                remote = (InetSocketAddress) peer;
                local = (InetSocketAddress) c.getLocalAddress();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (remote == null || local == null || registry.isFull()) {
            return null;
        }
        Role role = local.getPort() < remote.getPort() ? Role.SERVER : Role.CLIENT;
        if (role == Role.CLIENT ? !scope.followsClient(remote) : !scope.followsServer(local.getPort())) {
            return null;
        }
        long now = System.nanoTime();
        Destination d = role == Role.CLIENT ? destinations.of(Role.CLIENT, remote.getHostString(), remote.getPort())
            : destinations.of(Role.SERVER, null, local.getPort());
        ConnectionRecord r = records.create(role, key instanceof Socket ? "socket" : "channel", d,
            now);
        r.seenSinceAttach = true;
        ConnectionOpenings.describe(r, remote.getAddress(), remote.getPort(), local.getAddress(), local.getPort());
        follow.track(key, r);
        ConnectionOpenings.opened(r);
        adopted.incrementAndGet();
        return r;
    }

    /** Connections that were open before the attach and followed since. */
    long adopted() {
        return adopted.get();
    }
}
