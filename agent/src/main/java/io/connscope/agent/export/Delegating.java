package io.connscope.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.function.Supplier;

/**
 * The part of an accounted exporter or gated processor that passes straight through to the SDK's
 * own: flushing, shutting down, and its name in the SDK's messages.
 */
abstract class Delegating {

    final SignalAccount account;
    private final Object delegate;
    private final Supplier<CompletableResultCode> flush;
    private final Supplier<CompletableResultCode> shutdown;

    Delegating(Object delegate, SignalAccount account, Supplier<CompletableResultCode> flush,
               Supplier<CompletableResultCode> shutdown) {
        this.delegate = delegate;
        this.account = account;
        this.flush = flush;
        this.shutdown = shutdown;
    }

    /** An exporter's flush. */
    public CompletableResultCode flush() {
        return flush.get();
    }

    /** A processor's flush. */
    public CompletableResultCode forceFlush() {
        return flush.get();
    }

    public CompletableResultCode shutdown() {
        return shutdown.get();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
