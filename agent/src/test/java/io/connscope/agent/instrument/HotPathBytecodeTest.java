package io.connscope.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Walks the bytecode of everything the read/write hooks can reach and fails on an allocation, a
 * monitor, a lambda, or a call into code not known to be lock- and allocation-free. The failure
 * paths (an I/O exception, an internal error) are excluded by name: they are not the hot path.
 */
class HotPathBytecodeTest {

    private static final String TRACKER = "io/connscope/agent/connection/ConnectionTracker";
    private static final String ANALYSIS = "io/connscope/agent/connection/WireAnalysis";
    private static final String ENGINE_TLS = "io/connscope/agent/connection/EngineTls";
    private static final String URING = "io/connscope/agent/connection/IoUringEvents";
    private static final String RESP = "io/connscope/agent/resp/";
    /** Interfaces on the path, and the production class behind each. */
    private static final Map<String, List<String>> IMPLEMENTATIONS = Map.of(
        "io/connscope/bridge/ConnectionSink", List.of(TRACKER),
        "io/connscope/agent/connection/UringWrites", List.of(TRACKER),
        "io/connscope/agent/http/Http1Events",
        List.of("io/connscope/agent/http/Http1RequestEvents", "io/connscope/agent/http/Http1ResponseEvents"),
        "io/connscope/agent/wire/WireAnalyser", List.of("io/connscope/agent/http/HttpConnection",
            "io/connscope/agent/http/Http2Session", "io/connscope/agent/websocket/WebSocketSession", RESP + "RespConnection"),
        RESP + "RespReader$Values", List.of(RESP + "RespConnection$Commands", RESP + "RespConnection$Replies"));

    /** JDK methods the hot path may call: lock-free and allocation-free on the paths used. */
    private static final Set<String> ALLOWED = Set.of(
        "java/util/concurrent/ConcurrentHashMap.get",
        "java/lang/ThreadLocal.get",
        "java/lang/System.identityHashCode",
        "java/lang/System.nanoTime",
        "java/lang/invoke/VarHandle.getAndAdd",
        "java/lang/invoke/VarHandle.compareAndSet",
        "java/lang/invoke/VarHandle.get",
        "java/lang/ref/Reference.get",
        "java/lang/ref/WeakReference.get", // inherited Reference.get
        "java/lang/Enum.ordinal",
        "java/lang/Math.min",
        "java/lang/System.arraycopy", // a Redis command's name, at most 32 bytes
        "java/lang/Math.max",
        "java/nio/ByteBuffer.get",
        "java/nio/ByteBuffer.position",
        "java/nio/Buffer.remaining",
        "java/nio/ByteBuffer.remaining",
        "java/nio/Buffer.position",
        "java/lang/Object.<init>",
        // After an attach, the checks on a socket that is not followed
        "java/lang/Thread.currentThread",
        "java/lang/Thread.getThreadGroup",
        "java/lang/ThreadGroup.parentOf",
        "java/util/concurrent/atomic/AtomicReferenceArray.get",
        "java/util/concurrent/atomic/AtomicReferenceArray.length",
        // SSLEngine wrap/unwrap results: plain getters
        "javax/net/ssl/SSLEngineResult.bytesConsumed",
        "javax/net/ssl/SSLEngineResult.bytesProduced",
        "javax/net/ssl/SSLEngineResult.getHandshakeStatus",
        "javax/net/ssl/SSLEngineResult.getStatus",
        // native memory read through bound method handles to jdk.internal.misc.Unsafe (NativeMemory)
        "java/lang/invoke/MethodHandle.invokeExact");

    /**
     * Reached only when an I/O call threw or connscope itself failed, or (Http1Stream.step and
     * headLine) while a message head or chunk-size line is in flight: the one time bytes are looked at. Body bytes
     * are skipped by count in Http1Stream.feed, which this test does check.
     */
    private static final Set<String> COLD = Set.of(
        TRACKER + ".onIoFailure",
        ANALYSIS + ".analysisFailed",
        // once per connection: its first bytes, judged (up to 16 of each side kept) until its protocol is
        // told, under that connection's own sniffer lock (its two sides may carry first bytes at once)
        ANALYSIS + ".sniff",
        // once per client connection, at its first end of stream: looks for a request left unanswered
        ANALYSIS + ".attemptFailed",
        // once per exchange, when its response ends: hands the exchange to the export queue
        "io/connscope/agent/http/HttpConnection.halfDone",
        "io/connscope/bridge/Bridge.failed",
        // after an attach, once per connection that was open before it
        "io/connscope/agent/connection/AttachAdoption.adoptOnce",
        "io/connscope/bridge/Bridge.vectoredScratch", // grows a per-thread array, rarely
        "io/connscope/bridge/EngineBridge.engineDepthScratch", // once per thread
        "io/connscope/agent/instrument/NativeMemory.newScratch", // once per thread
        "io/connscope/agent/instrument/NativeMemory.failed", // native memory could not be read: analysis stops
        "io/connscope/agent/http/Http1Stream.step",
        // once per direction of a WebSocket session, at its Close frame
        "io/connscope/agent/websocket/WebSocketFrames.closeSeen",
        "io/connscope/agent/http/Http1Stream.headLine",
        // a message head whose start is in these bytes: its whole head looked for, and parsed where it is
        "io/connscope/agent/http/Http1Stream.headAtStart",
        // once per message head, as it is parsed or let go: its array goes to the thread's spare
        // (ThreadLocal.set allocates its entry once per thread)
        "io/connscope/agent/http/HeadBuffer.drop",
        // once per connection: its first bytes toward the server, looked at for a TLS ClientHello
        ENGINE_TLS + ".firstRequestBytes",
        // once per TLS connection: its TLS facts, made by the first TLS event (plain connections hold none)
        "io/connscope/agent/connection/TlsFacts.of",
        // a request answered within the delayed-ACK band: the first one's write sizes are kept, once per connection
        "io/connscope/agent/connection/NagleEvidence.stalled",
        // an SSLEngine not paired with a connection: looks at the ciphertext for its ClientHello, and
        // allocates only when that is found, once per handshake
        ENGINE_TLS + ".notPaired",
        // once per connection: it showed HTTP/2, or an h2c upgrade request is handed to HTTP/2
        "io/connscope/agent/http/HttpConnection.http2Session",
        "io/connscope/agent/http/Http1ResponseEvents.leaveToHttp2",
        // HTTP/2 header blocks: copied while in flight, decoded once complete (the message head)
        "io/connscope/agent/http/Http2Frames.appendBlock",
        // a GOAWAY's debug data: its buffer once per direction, its text once per GOAWAY
        "io/connscope/agent/http/Http2Frames.goawayDebugBuffer",
        "io/connscope/agent/http/Http2Frames.goawayDebugText",
        "io/connscope/agent/http/Http2Goaway.received", // once per GOAWAY: kept whole, the first one only
        "io/connscope/agent/http/Http2Frames.headerFrameEnd",
        // once per HTTP/2 stream, as each direction ends: the second hands the exchange to the export queue
        "io/connscope/agent/http/Http2Session.halfDone",
        "io/connscope/agent/http/Http2Session.close",
        // RESP: once per command (made by whichever direction reaches it first), and once per command
        // and per reply as each ends (its name or error read from the 32 bytes kept; the exchange handed on)
        RESP + "RespConnection.newCommand",
        RESP + "RespConnection.stop", // once per connection, as its analysis stops: its commands let go
        RESP + "RespConnection$Commands.ended",
        RESP + "RespConnection$Replies.ended",
        // once per TLS handshake through an SSLEngine
        ENGINE_TLS + ".handshakeFinished",
        ENGINE_TLS + ".serverHello", // during a handshake only: looks for the ServerHello in the ciphertext
        ENGINE_TLS + ".failed",
        // io_uring: once per connection (its connect, accept and close), per thread (its table), or on an error
        URING + ".closing",
        URING + ".closedDirectly", // on a close, and then only once io_uring is in use
        URING + ".accepted",
        URING + ".firstUseAfterAccept",
        URING + ".connectStarted",
        URING + ".connectFinished",
        URING + ".newPending",
        URING + ".tableFull",
        URING + ".failure",
        "io/connscope/agent/connection/UringPending.grow", // doubles a thread's table, rarely
        // a pool lease that took 20 ms or more: the route read once per slow lease
        "io/connscope/bridge/PoolBridge.waited");

    @Test
    void readAndWriteHooksNeitherAllocateNorLock() throws IOException {
        Deque<String[]> work = new ArrayDeque<>();
        String io = "(Ljava/lang/Object;JLjava/lang/Throwable;Ljava/lang/Object;I)V";
        work.add(new String[] {"io/connscope/bridge/Bridge", "read", io});
        work.add(new String[] {"io/connscope/bridge/Bridge", "write", io});
        work.add(new String[] {"io/connscope/bridge/Bridge", "plaintext", "(Ljava/lang/Object;Z[BII)V"});
        work.add(new String[] {"io/connscope/bridge/Bridge", "vectoredStart", "([Ljava/lang/Object;II)V"});
        work.add(new String[] {"io/connscope/bridge/EngineBridge", "tlsEngineEnter", "([Ljava/lang/Object;IILjava/lang/Object;I)Z"});
        work.add(new String[] {"io/connscope/bridge/EngineBridge", "tlsEngineExit",
            "(ZLjava/lang/Object;ZLjava/lang/Object;Ljava/lang/Throwable;[Ljava/lang/Object;ILjava/lang/Object;I)V"});
        // Netty's native transport: bytes at a native address, or gathered from an iovec array
        work.add(new String[] {"io/connscope/bridge/NativeBridge", "readAddress", "(Ljava/lang/Object;JLjava/lang/Throwable;J)V"});
        work.add(new String[] {"io/connscope/bridge/NativeBridge", "writeAddress", "(Ljava/lang/Object;JLjava/lang/Throwable;JI)V"});
        work.add(new String[] {"io/connscope/bridge/NativeBridge", "writeGathered",
            "(Ljava/lang/Object;JLjava/lang/Throwable;[Ljava/lang/Object;I)V"});
        // Netty's io_uring transport: each submission and completion on its rings
        work.add(new String[] {"io/connscope/bridge/UringBridge", "submitted", "(BBIJJIJ)V"});
        work.add(new String[] {"io/connscope/bridge/UringBridge", "completed", "(IIJ)V"});
        // Apache HttpClient leases a pooled connection for every request
        work.add(new String[] {"io/connscope/bridge/PoolBridge", "leaseEnded", "(Ljava/lang/Object;Ljava/lang/Throwable;J)V"});
        // ConcurrentHashMap.get calls these on the registry's lookup key.
        work.add(new String[] {"io/connscope/agent/connection/ConnectionRegistry$LookupKey", "hashCode", "()I"});
        work.add(new String[] {"io/connscope/agent/connection/ConnectionRegistry$LookupKey", "equals", "(Ljava/lang/Object;)Z"});
        Set<String> seen = new HashSet<>();
        List<String> violations = new ArrayList<>();
        while (!work.isEmpty()) {
            String[] m = work.poll();
            for (String owner : IMPLEMENTATIONS.getOrDefault(m[0], List.of(m[0]))) {
                String id = owner + "." + m[1] + m[2];
                if (seen.add(id) && !COLD.contains(owner + "." + m[1])) {
                    scan(owner, m[1], m[2], work, violations);
                }
            }
        }
        assertThat(seen).as("methods analysed").anyMatch(s -> s.contains("ConnectionRecord.onRead"))
            .anyMatch(s -> s.contains("ConnectionRegistry.get")).anyMatch(s -> s.contains("EventLog.add"))
            .anyMatch(s -> s.contains("Http1Stream.feed")).anyMatch(s -> s.contains("Http1ResponseEvents.messageEnd"))
            .anyMatch(s -> s.contains("EngineTls.engineCall")).anyMatch(s -> s.contains("WireAnalysis.feed"))
            .anyMatch(s -> s.contains("Http2Frames.content")).anyMatch(s -> s.contains("Http2Session.data"))
            .anyMatch(s -> s.contains("WireBytesFeed.nativeRange")).anyMatch(s -> s.contains("NativeMemory.copy"))
            .anyMatch(s -> s.contains("UringPending.put")).anyMatch(s -> s.contains("UringPending.remove"))
            .anyMatch(s -> s.contains("IoUringEvents.gathering")).anyMatch(s -> s.contains("ConnectionTracker.writeRanges"))
            .anyMatch(s -> s.contains("NativeMemory.iovecLength")).anyMatch(s -> s.contains("GrpcCall$Messages.feed"))
            .anyMatch(s -> s.contains("WireBytesFeed.gathered")).anyMatch(s -> s.contains("PoolBridge.leaseEnded"));
        assertThat(violations).isEmpty();
    }

    private static void scan(String owner, String name, String desc, Deque<String[]> work, List<String> violations)
        throws IOException {
        String declaring = owner;
        List<String> interfaces = new ArrayList<>();
        while (declaring.startsWith("io/connscope/")) {
            ClassReader reader = read(declaring);
            interfaces.addAll(List.of(reader.getInterfaces()));
            boolean[] found = {false};
            String here = declaring;
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String n, String d, String sig, String[] exceptions) {
                    if (!n.equals(name) || !d.equals(desc)) {
                        return null;
                    }
                    found[0] = true;
                    String where = here + "." + n;
                    if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                        violations.add(where + " is synchronized");
                    }
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitTypeInsn(int opcode, String type) {
                            if (opcode == Opcodes.NEW || opcode == Opcodes.ANEWARRAY) {
                                violations.add(where + " allocates " + type);
                            }
                        }

                        @Override
                        public void visitIntInsn(int opcode, int operand) {
                            if (opcode == Opcodes.NEWARRAY) {
                                violations.add(where + " allocates an array");
                            }
                        }

                        @Override
                        public void visitMultiANewArrayInsn(String d2, int dims) {
                            violations.add(where + " allocates " + d2);
                        }

                        @Override
                        public void visitInsn(int opcode) {
                            if (opcode == Opcodes.MONITORENTER) {
                                violations.add(where + " enters a monitor");
                            }
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String n2, String d2, Handle bsm, Object... args) {
                            violations.add(where + " uses invokedynamic " + n2);
                        }

                        @Override
                        public void visitMethodInsn(int opcode, String o, String n2, String d2, boolean itf) {
                            if (o.startsWith("io/connscope/")) {
                                work.add(new String[] {o, n2, d2});
                            } else if (!ALLOWED.contains(o + "." + n2)) {
                                violations.add(where + " calls " + o + "." + n2);
                            }
                        }
                    };
                }
            }, 0);
            if (found[0]) {
                return;
            }
            declaring = reader.getSuperName();
        }
        // Not in the class chain: a default method of one of connscope's interfaces.
        for (String itf : interfaces) {
            if (itf.startsWith("io/connscope/") && declares(itf, name, desc)) {
                scan(itf, name, desc, work, violations);
                return;
            }
        }
        if (!ALLOWED.contains(declaring + "." + name)) {
            violations.add(owner + "." + name + " resolves to " + declaring + "." + name);
        }
    }

    private static boolean declares(String owner, String name, String desc) throws IOException {
        boolean[] found = {false};
        read(owner).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String n, String d, String sig, String[] exceptions) {
                found[0] |= n.equals(name) && d.equals(desc);
                return null;
            }
        }, 0);
        return found[0];
    }

    private static ClassReader read(String internalName) throws IOException {
        try (InputStream in = HotPathBytecodeTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + internalName);
            }
            return new ClassReader(in.readAllBytes());
        }
    }
}
