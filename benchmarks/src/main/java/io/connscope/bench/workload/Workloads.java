package io.connscope.bench.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The workloads by name, in the order the harness runs and reports them. */
public final class Workloads {

    private static final Map<String, Callable<Workload>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("huc-get", () -> new HucKeepAlive(false, false));
        ALL.put("huc-post", () -> new HucKeepAlive(true, false));
        ALL.put("huc-get-fast", () -> new HucKeepAlive(false, true));
        ALL.put("huc-post-fast", () -> new HucKeepAlive(true, true));
        ALL.put("http-inline", InlineHttpSocket::new);
        ALL.put("jdk-http-get", () -> new JdkHttpClientGet(false));
        ALL.put("jdk-https-get", () -> new JdkHttpClientGet(true));
        ALL.put("raw-socket", RawSocketRpc::new);
        ALL.put("socket-channel", SocketChannelRpc::new);
        ALL.put("churn", HucChurn::new);
        ALL.put("netty-epoll", () -> new NettyGet(false));
        ALL.put("netty-io_uring", () -> new NettyGet(true));
        ALL.put("grpc-unary", GrpcUnary::new);
    }

    private Workloads() {
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /**
     * Workloads the OpenTelemetry agent instruments (HTTP clients, Netty, gRPC): the ones where its cost
     * compares with connscope's. It does not instrument plain sockets, nor HTTP written on them.
     */
    public static boolean instrumentedByOtelAgent(String name) {
        return !"raw-socket".equals(name) && !"socket-channel".equals(name) && !"http-inline".equals(name);
    }

    public static Workload start(String name) throws Exception {
        Callable<Workload> factory = ALL.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown workload '" + name + "', known: " + names());
        }
        return factory.call();
    }
}
