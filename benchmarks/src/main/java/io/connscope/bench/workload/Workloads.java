package io.connscope.bench.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The workloads by name, in the order the harness runs and reports them. */
public final class Workloads {

    private static final Map<String, Callable<Workload>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("huc-get", () -> new HucKeepAlive(false));
        ALL.put("huc-post", () -> new HucKeepAlive(true));
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

    /** Workloads on a connection kept alive; the targets for these are stricter than for churn. */
    public static boolean keepAlive(String name) {
        return !"churn".equals(name);
    }

    public static Workload start(String name) throws Exception {
        Callable<Workload> factory = ALL.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown workload '" + name + "', known: " + names());
        }
        return factory.call();
    }
}
