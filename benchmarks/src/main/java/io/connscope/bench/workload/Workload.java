package io.connscope.bench.workload;

/** One kind of request, driven in a loop by its client threads against a loopback server it owns. */
public interface Workload extends AutoCloseable {

    /** Performs one request and consumes its whole response; called by every client thread at once. */
    void request() throws Exception;

    /** How many client threads drive it. */
    default int threads() {
        return 1;
    }

    @Override
    void close() throws Exception;
}
