package io.connscope.bridge;

/**
 * What the instrumented JDK code reports to. Implemented in the agent's own class loader; only this
 * interface and {@link Bridge} live on the bootstrap class path. Keys are the JDK objects that
 * identify a connection: a {@code java.net.Socket}, a {@code SocketChannel}, or (legacy socket
 * path) the {@code SocketImpl}. Arguments are {@code Object} and primitives so that nothing here
 * depends on agent classes.
 */
public interface ConnectionSink {

    void socketConnected(Object socket, Object endpoint, long startNanos, long endNanos, Throwable failure);

    void socketAccepted(Object serverSocket, Object socket);

    void channelConnectStarted(Object channel, Object endpoint, long startNanos, boolean connected, Throwable failure);

    /** finishConnect() is starting on this thread: a close from inside it is the connect failing. */
    void channelConnectFinishing(Object channel);

    void channelConnectFinished(Object channel, boolean connected, Throwable failure);

    void channelAccepted(Object serverChannel, Object channel);

    /**
     * A read returned. {@code data} holds the bytes: a {@code byte[]} (from {@code offset}); a
     * {@code ByteBuffer}, from index {@code offset}, or, when it is {@link Bridge#BEFORE_POSITION},
     * the last {@code bytes} bytes before its position; a
     * {@code ByteBuffer[]} (from {@code offset}) whose positions before the call are in
     * {@link Bridge#vectoredPositions()}; or null when they cannot be read (counted, not analysed).
     */
    void read(Object key, long bytes, Throwable failure, Object data, int offset);

    /** A write returned; {@code data} as for {@link #read}. */
    void write(Object key, long bytes, Throwable failure, Object data, int offset);

    /**
     * A native transport's gathering write of {@code bytes} bytes from {@code buffers[offset..]}: taken
     * in order from each buffer's position on (the positions do not move).
     */
    void writeGathered(Object key, long bytes, Throwable failure, Object[] buffers, int offset);

    /** A native transport read {@code bytes} bytes into native memory at {@code address}. */
    void readNative(Object key, long bytes, Throwable failure, long address);

    /**
     * A native transport wrote {@code bytes} bytes from native memory: at {@code address}, or, when
     * {@code iovecs} is not negative, gathered from that many {@code struct iovec} at {@code address}.
     */
    void writeNative(Object key, long bytes, Throwable failure, long address, int iovecs);

    /** Netty's io_uring transport made a socket object for descriptor {@code fd}. */
    void uringSocket(Object socket, int fd);

    /**
     * Netty's io_uring transport queued a submission: its opcode, flags and descriptor, the SQE fields
     * {@code off} and {@code addr} (a buffer, an iovec array, a sockaddr), {@code len}, and the user data
     * its completion will carry.
     */
    void uringSubmitted(byte opcode, byte flags, int fd, long off, long address, int length, long userData);

    /** Netty's io_uring transport is handling a completion: its result, flags and user data. */
    void uringCompleted(int result, int flags, long userData);

    /** Plaintext of a TLS socket's application streams, for analysis only (the TCP bytes are counted below it). */
    void plaintext(Object sslSocket, boolean inbound, byte[] b, int offset, int length);

    /**
     * An {@code SSLEngine} wrap or unwrap returned {@code result} (an {@code SSLEngineResult}), or
     * threw {@code failure}: the plaintext moved through {@code plain} (positions before the call in
     * {@link Bridge#vectoredPositions()}), the ciphertext through {@code net}, a {@code ByteBuffer} or
     * the one at {@code netOffset} of a {@code ByteBuffer[]}.
     */
    void tlsEngine(Object engine, boolean wrap, Object result, Throwable failure, Object[] plain, int plainOffset,
                   Object net, int netOffset);

    void noDelay(Object key, boolean on);

    /** SO_LINGER was set: a timeout in seconds, or negative for off. */
    void linger(Object key, int seconds);

    void shutdownInput(Object key);

    void shutdownOutput(Object key);

    void closing(Object key);

    void tlsHandshake(Object sslSocket, long startNanos, long endNanos, long startEpochMillis, Throwable failure);

    /** HttpURLConnection.writeRequests() starts on this thread; {@code resending} after its own failed write. */
    void urlConnectionWriting(Object urlConnection, boolean resending);

    /**
     * The JDK's HttpURLConnection client is about to write a request on {@code socket};
     * {@code resending} when it does so again after the first attempt failed (its failedOnce).
     */
    void urlConnectionRequest(Object socket, boolean resending);

    /** HttpURLConnection's KeepAliveCache handed out this cached {@code sun.net.www.http.HttpClient}. */
    void keepAliveCacheHit(Object httpClient);

    /**
     * The JDK's resolver answered a look-up that missed its cache: {@code addresses} (InetAddress[]) or
     * {@code failure}, between the two System.nanoTime() values.
     */
    void nameLookedUp(String host, Object[] addresses, Throwable failure, long startNanos, long endNanos);

    /**
     * The application's thread took at least {@link PoolBridge#MIN_WAIT_NANOS} to lease a connection
     * from a client library's pool, between the two System.nanoTime() values, and got one or
     * {@code failure}; {@code route} is the library's own route object.
     */
    void poolWaited(Object route, Throwable failure, long startNanos, long endNanos);

    /** Called once per failing hook with the first error, and again when the hook is disabled. */
    void hookFailed(int hook, Throwable error, boolean disabled);
}
