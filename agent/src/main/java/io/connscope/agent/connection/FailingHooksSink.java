package io.connscope.agent.connection;

import io.connscope.bridge.Bridge;
import io.connscope.bridge.ConnectionSink;
import java.util.Set;

/**
 * Test-only fault injection ({@code connscope.test.failing.hooks}): the named hooks throw, as a bug in
 * connscope would, so tests can prove the application never notices and the hook disables itself.
 * Installed instead of the plain tracker only when the setting is present.
 */
public final class FailingHooksSink implements ConnectionSink {

    private final ConnectionSink delegate;
    private final boolean[] failing = new boolean[Bridge.HOOK_COUNT];

    public FailingHooksSink(ConnectionSink delegate, Set<String> hookNames) {
        this.delegate = delegate;
        for (int hook = 0; hook < Bridge.HOOK_COUNT; hook++) {
            failing[hook] = hookNames.contains(Bridge.hookName(hook));
        }
    }

    private void maybeFail(int hook) {
        if (failing[hook]) {
            throw new IllegalStateException("connscope.test.failing.hooks: injected failure in hook '"
                + Bridge.hookName(hook) + "'");
        }
    }

    @Override
    public void socketConnected(Object socket, Object endpoint, long startNanos, long endNanos, Throwable failure) {
        maybeFail(Bridge.HOOK_CONNECT);
        delegate.socketConnected(socket, endpoint, startNanos, endNanos, failure);
    }

    @Override
    public void socketAccepted(Object serverSocket, Object socket) {
        maybeFail(Bridge.HOOK_ACCEPT);
        delegate.socketAccepted(serverSocket, socket);
    }

    @Override
    public void channelConnectStarted(Object channel, Object endpoint, long startNanos, boolean connected,
                                      Throwable failure) {
        maybeFail(Bridge.HOOK_CONNECT);
        delegate.channelConnectStarted(channel, endpoint, startNanos, connected, failure);
    }

    @Override
    public void channelConnectFinishing(Object channel) {
        maybeFail(Bridge.HOOK_CONNECT);
        delegate.channelConnectFinishing(channel);
    }

    @Override
    public void channelConnectFinished(Object channel, boolean connected, Throwable failure) {
        maybeFail(Bridge.HOOK_CONNECT);
        delegate.channelConnectFinished(channel, connected, failure);
    }

    @Override
    public void channelAccepted(Object serverChannel, Object channel) {
        maybeFail(Bridge.HOOK_ACCEPT);
        delegate.channelAccepted(serverChannel, channel);
    }

    @Override
    public void read(Object key, long bytes, Throwable failure, Object data, int offset) {
        maybeFail(Bridge.HOOK_READ);
        delegate.read(key, bytes, failure, data, offset);
    }

    @Override
    public void write(Object key, long bytes, Throwable failure, Object data, int offset) {
        maybeFail(Bridge.HOOK_WRITE);
        delegate.write(key, bytes, failure, data, offset);
    }

    @Override
    public void writeGathered(Object key, long bytes, Throwable failure, Object[] buffers, int offset) {
        maybeFail(Bridge.HOOK_WRITE);
        delegate.writeGathered(key, bytes, failure, buffers, offset);
    }

    @Override
    public void readNative(Object key, long bytes, Throwable failure, long address) {
        maybeFail(Bridge.HOOK_READ);
        delegate.readNative(key, bytes, failure, address);
    }

    @Override
    public void writeNative(Object key, long bytes, Throwable failure, long address, int iovecs) {
        maybeFail(Bridge.HOOK_WRITE);
        delegate.writeNative(key, bytes, failure, address, iovecs);
    }

    @Override
    public void linger(Object key, int seconds) {
        maybeFail(Bridge.HOOK_OPTION);
        delegate.linger(key, seconds);
    }

    @Override
    public void uringSocket(Object socket, int fd) {
        maybeFail(Bridge.HOOK_IO_URING);
        delegate.uringSocket(socket, fd);
    }

    @Override
    public void uringSubmitted(byte opcode, byte flags, int fd, long off, long address, int length, long userData) {
        maybeFail(Bridge.HOOK_IO_URING);
        delegate.uringSubmitted(opcode, flags, fd, off, address, length, userData);
    }

    @Override
    public void uringCompleted(int result, int flags, long userData) {
        maybeFail(Bridge.HOOK_IO_URING);
        delegate.uringCompleted(result, flags, userData);
    }

    @Override
    public void plaintext(Object sslSocket, boolean inbound, byte[] b, int offset, int length) {
        maybeFail(Bridge.HOOK_PLAINTEXT);
        delegate.plaintext(sslSocket, inbound, b, offset, length);
    }

    @Override
    public void tlsEngine(Object engine, boolean wrap, Object result, Throwable failure, Object[] plain,
                          int plainOffset, Object net, int netOffset) {
        maybeFail(Bridge.HOOK_TLS_ENGINE);
        delegate.tlsEngine(engine, wrap, result, failure, plain, plainOffset, net, netOffset);
    }

    @Override
    public void noDelay(Object key, boolean on) {
        maybeFail(Bridge.HOOK_OPTION);
        delegate.noDelay(key, on);
    }

    @Override
    public void shutdownInput(Object key) {
        maybeFail(Bridge.HOOK_SHUTDOWN);
        delegate.shutdownInput(key);
    }

    @Override
    public void shutdownOutput(Object key) {
        maybeFail(Bridge.HOOK_SHUTDOWN);
        delegate.shutdownOutput(key);
    }

    @Override
    public void closing(Object key) {
        maybeFail(Bridge.HOOK_CLOSE);
        delegate.closing(key);
    }

    @Override
    public void tlsHandshake(Object sslSocket, long startNanos, long endNanos, long startEpochMillis, Throwable failure) {
        maybeFail(Bridge.HOOK_TLS);
        delegate.tlsHandshake(sslSocket, startNanos, endNanos, startEpochMillis, failure);
    }

    @Override
    public void urlConnectionWriting(Object urlConnection, boolean resending) {
        maybeFail(Bridge.HOOK_HTTP_URL_CONNECTION);
        delegate.urlConnectionWriting(urlConnection, resending);
    }

    @Override
    public void urlConnectionRequest(Object socket, boolean resending) {
        maybeFail(Bridge.HOOK_HTTP_URL_CONNECTION);
        delegate.urlConnectionRequest(socket, resending);
    }

    @Override
    public void keepAliveCacheHit(Object httpClient) {
        maybeFail(Bridge.HOOK_HTTP_URL_CONNECTION);
        delegate.keepAliveCacheHit(httpClient);
    }

    @Override
    public void hookFailed(int hook, Throwable error, boolean disabled) {
        delegate.hookFailed(hook, error, disabled);
    }
}
