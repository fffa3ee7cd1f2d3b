package io.connscope.demo;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import javax.net.ServerSocketFactory;

/**
 * Loopback listening ports that stay the same from one round of {@code --loop} to the next: each
 * scenario's n-th server binds where it bound last round, as a service's destinations stay put. So
 * dashboards follow a handful of destinations instead of new ones every round, and a rate over
 * several scrapes sees each destination's counters grow. The first round takes a free port no other
 * server of the run has had, so that telemetry matched by port never mixes two scenarios' servers
 * (the kernel may hand a closed server's port to the next {@code bind(0)}); a port taken meanwhile
 * falls back to any free one.
 */
final class DemoPorts {

    private static final Map<String, Integer> LAST = new HashMap<>();
    private static String scenario = "";
    private static int ordinal;

    private DemoPorts() {
    }

    /** The scenario about to run: its servers are numbered from here. */
    static synchronized void startScenario(String name) {
        scenario = name;
        ordinal = 0;
    }

    static ServerSocket listen(int backlog) throws IOException {
        return listen(ServerSocketFactory.getDefault(), backlog);
    }

    static ServerSocket listen(ServerSocketFactory factory, int backlog) throws IOException {
        String key = nextKey();
        ServerSocket server = factory.createServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), previous(key)), backlog);
        } catch (BindException e) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        }
        remember(key, server.getLocalPort());
        return server;
    }

    static void bind(ServerSocketChannel server) throws IOException {
        String key = nextKey();
        server.socket().setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), previous(key)));
        } catch (BindException e) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        remember(key, server.socket().getLocalPort());
    }

    /** Makes a server on a given port (0 for any free one). */
    interface Binder<T> {
        T bind(int port) throws Exception;
    }

    /**
     * A server a library binds (the JDK's HttpServer, Netty, gRPC, Reactor Netty) on this scenario's
     * port of last round; when that fails, on a free one.
     */
    static <T> T bind(Binder<T> binder, ToIntFunction<T> portOf) throws Exception {
        String key = nextKey();
        int previous = previous(key);
        T server;
        try {
            server = binder.bind(previous);
        } catch (Exception taken) {
            server = binder.bind(0);
        }
        remember(key, portOf.applyAsInt(server));
        return server;
    }

    private static synchronized String nextKey() {
        return scenario + "#" + ordinal++;
    }

    /** The port this server had last round or, on the first, a free port no other server of this run has had. */
    private static synchronized int previous(String key) throws IOException {
        Integer last = LAST.get(key);
        if (last != null) {
            return last;
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int free;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                free = probe.getLocalPort();
            }
            if (!LAST.containsValue(free)) {
                return free;
            }
        }
        return 0;
    }

    private static synchronized void remember(String key, int port) {
        LAST.put(key, port);
    }
}
