package io.connscope.bench.workload;

/** One kind of request, driven in a loop by one client thread against a loopback server it owns. */
public interface Workload extends AutoCloseable {

    /** Performs one request and consumes its whole response. */
    void request() throws Exception;

    @Override
    void close() throws Exception;
}
