package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.bridge.ConnectionSink;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.connscope.agent.instrument.IoUringHooks;
import org.junit.jupiter.api.Test;

/**
 * The pairing of io_uring submissions and completions, as the sink sees it. The transport itself is
 * driven for real in Netty42StacksIT; here each rule of the pairing is pinned, one at a time.
 */
class IoUringEventsTest {

    private final List<String> calls = new ArrayList<>();
    private final ConnectionSink sink = (ConnectionSink) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ConnectionSink.class}, (proxy, method, args) -> {
            calls.add(method.getName() + Arrays.toString(args));
            return null;
        });
    private final IoUringEvents uring = new IoUringEvents(sink, (key, bytes, bases, lengths, count) -> {
        StringBuilder ranges = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ranges.append(i == 0 ? "" : ",").append(bases[i]).append('+').append(lengths[i]);
        }
        calls.add("writeRanges[" + key + ", " + bytes + ", " + ranges + "]");
    });

    static {
        IoUringHooks.completionsWoven(true);
    }

    @Test
    void aReadIsItsCompletionsBytesAtItsSubmissionsBuffer() {
        uring.socketMade("socket7", 7);
        uring.submitted(IoUringEvents.OP_RECV, (byte) 0, 7, 0, 0x1000, 512, 42);
        assertThat(calls).isEmpty();
        uring.completed(100, 0, 42);
        uring.completed(100, 0, 42); // the same user data again: already paired, so not counted twice
        assertThat(calls).containsExactly("readNative[socket7, 100, null, 4096]");
    }

    @Test
    void endOfStreamErrorsAndWithdrawals() {
        uring.socketMade("s", 3);
        uring.submitted(IoUringEvents.OP_RECV, (byte) 0, 3, 0, 0x10, 64, 1);
        uring.completed(0, 0, 1);
        uring.submitted(IoUringEvents.OP_RECV, (byte) 0, 3, 0, 0x10, 64, 2);
        uring.completed(-125, 0, 2); // ECANCELED: the channel withdrew it while closing
        uring.submitted(IoUringEvents.OP_SEND, (byte) 0, 3, 0, 0x20, 64, 3);
        uring.completed(-104, 0, 3); // ECONNRESET
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).isEqualTo("readNative[s, -1, null, 16]");
        assertThat(calls.get(1)).startsWith("writeNative[s, 0, java.io.IOException: io_uring send failed: Connection reset by peer");
    }

    @Test
    void writesSingleAndGathered() {
        uring.socketMade("s", 4);
        uring.submitted(IoUringEvents.OP_SEND, (byte) 0, 4, 0, 0x100, 30, 5);
        uring.submitted(IoUringEvents.OP_WRITEV, (byte) 0, 4, 0, 0, 3, 6);
        uring.completed(30, 0, 5);
        uring.completed(70, 0, 6);
        // (An iovec array at address 0 cannot be read: no ranges are kept, and the 70 bytes are counted alone.)
        assertThat(calls).containsExactly("writeNative[s, 30, null, 256, -1]", "writeRanges[s, 70, ]");
    }

    @Test
    void aZeroCopySendCountsItsResultNotItsNotification() {
        uring.socketMade("s", 4);
        uring.submitted(IoUringEvents.OP_SEND_ZC, (byte) 0, 4, 0, 0x100, 30, 5);
        uring.completed(30, IoUringEvents.CQE_MORE, 5);
        uring.completed(0, IoUringEvents.CQE_NOTIF, 5);
        uring.completed(30, 0, 5);
        assertThat(calls).containsExactly("writeNative[s, 30, null, 256, -1]");
    }

    @Test
    void aBufferRingReadIsCountedNotAnalysed() {
        uring.socketMade("s", 4);
        uring.submitted(IoUringEvents.OP_RECV, (byte) IoUringEvents.SQE_BUFFER_SELECT, 4, 0, 0, 0, 8);
        uring.completed(50, IoUringEvents.CQE_MORE, 8);
        uring.completed(20, 0, 8);
        assertThat(calls).containsExactly("read[s, 50, null, null, 0]", "read[s, 20, null, null, 0]");
    }

    /**
     * An accepted descriptor is followed from its first use, by then with the channel's own socket object:
     * Netty makes a throwaway one for it first. A multishot accept stays pending for the next.
     */
    @Test
    void anAcceptedDescriptorIsFollowedFromItsFirstUseWithItsLastSocket() {
        uring.socketMade("listening", 5);
        uring.submitted(IoUringEvents.OP_ACCEPT, (byte) 0, 5, 0, 0, 0, 9);
        uring.completed(11, IoUringEvents.CQE_MORE, 9);
        uring.socketMade("throwaway", 11);
        uring.socketMade("channel", 11);
        uring.submitted(IoUringEvents.OP_RECV, (byte) 0, 11, 0, 0x40, 64, 10);
        uring.submitted(IoUringEvents.OP_RECV, (byte) 0, 11, 0, 0x40, 64, 12);
        uring.completed(12, 0, 9);
        assertThat(calls).containsExactly("channelAccepted[listening, channel]");
    }

    /**
     * A close is said once. A read that completes after it is the closed socket's, even when its
     * descriptor has been reused meanwhile by another socket.
     */
    @Test
    void aCloseIsSaidOnceAndLateCompletionsStayWithTheirSocket() {
        uring.socketMade("s", 6);
        uring.submitted(IoUringEvents.OP_RECV, (byte) 0, 6, 0, 0x40, 64, 13);
        uring.submitted(IoUringEvents.OP_CLOSE, (byte) 0, 6, 0, 0, 0, 14);
        uring.submitted(IoUringEvents.OP_CLOSE, (byte) 0, 6, 0, 0, 0, 15);
        uring.socketMade("reused", 6);
        uring.completed(-104, 0, 13);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).isEqualTo("closing[s]");
        assertThat(calls.get(1)).startsWith("readNative[s, 0, java.io.IOException: io_uring recv failed: Connection reset");
    }

    @Test
    void aBufferRingRunningDryIsNoFailure() {
        uring.socketMade("s", 4);
        uring.submitted(IoUringEvents.OP_RECV, (byte) IoUringEvents.SQE_BUFFER_SELECT, 4, 0, 0, 0, 8);
        uring.completed(-105, 0, 8); // ENOBUFS: Netty grows the ring and reads again
        assertThat(calls).isEmpty();
    }

    /** A socket that never got onto a ring (closed directly) leaves no accept behind for its descriptor's next owner. */
    @Test
    void aConnectIsNeverTakenForTheFirstUseOfAnAcceptedDescriptor() {
        uring.socketMade("listening", 5);
        uring.submitted(IoUringEvents.OP_ACCEPT, (byte) 0, 5, 0, 0, 0, 9);
        uring.completed(11, 0, 9);
        uring.socketMade("client", 11);
        uring.submitted(IoUringEvents.OP_CONNECT, (byte) 0, 11, 16, 0, 0, 10);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).startsWith("channelConnectStarted[client, null, ");
    }

    @Test
    void aConnectEndsAsItsCompletionSays() {
        uring.socketMade("s", 8);
        uring.submitted(IoUringEvents.OP_CONNECT, (byte) 0, 8, 16, 0, 0, 16);
        uring.completed(-111, 0, 16);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).startsWith("channelConnectStarted[s, null, ").endsWith(", false, null]");
        assertThat(calls.get(1)).isEqualTo("channelConnectFinished[s, false, java.net.ConnectException: io_uring connect failed:"
            + " Connection refused]");
    }

    @Test
    void descriptorsItDidNotMakeAndOperationsItDoesNotFollowAreLeftAlone() {
        uring.submitted(IoUringEvents.OP_RECV, (byte) 0, 99, 0, 0x40, 64, 17); // an eventfd, a file
        uring.completed(8, 0, 17);
        uring.socketMade("s", 9);
        uring.submitted((byte) 6, (byte) 0, 9, 0, 0, 0, 18); // POLL_ADD
        uring.completed(1, 0, 18);
        assertThat(calls).isEmpty();
    }

    @Test
    void socketAddressesInEitherFamily() throws Exception {
        ByteBuffer v4 = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        v4.putShort(0, (short) 2);
        v4.put(2, (byte) 0x1f).put(3, (byte) 0x90); // 8080, network order
        v4.put(4, (byte) 127).put(5, (byte) 0).put(6, (byte) 0).put(7, (byte) 1);
        assertThat(IoUringEvents.decode(v4.array())).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
        ByteBuffer v6 = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        v6.putShort(0, (short) 10);
        v6.put(2, (byte) 0x01).put(3, (byte) 0xbb);
        v6.put(8 + 15, (byte) 1); // ::1
        assertThat(IoUringEvents.decode(v6.array())).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 443));
        ByteBuffer unix = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        unix.putShort(0, (short) 1);
        assertThat(IoUringEvents.decode(unix.array())).isNull();
    }
}
