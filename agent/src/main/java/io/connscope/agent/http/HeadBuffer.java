package io.connscope.agent.http;

import io.connscope.agent.wire.AnalysisMemory;
import io.connscope.agent.wire.WireBytes;
import java.util.Arrays;

/**
 * The bytes of one HTTP/1.x message head in flight, up to {@link Http1Stream#MAX_HEAD}: the one
 * thing the HTTP/1.x analysis copies, for a head that did not arrive whole in one read or write (or
 * came in a direct buffer): its start is told byte by byte, its lines collected here.
 * It grows from 256 bytes, doubling, and is let go when the head is parsed or dropped, so an idle
 * keep-alive connection holds nothing.
 *
 * <p>A head that begins and ends within one call costs neither an allocation nor a write to the
 * budget's shared counters: its array is the thread's spare, taken back when the head is parsed, and
 * the {@link AnalysisMemory analysis budget} is charged only for a head still
 * unfinished when the call that fed it returns ({@link #hold}), which is what a connection keeps
 * between calls. Within one call a thread holds at most one head's {@link Http1Stream#MAX_HEAD} bytes
 * beyond that. A new head is still admitted only while the budget has room for it, so a spent budget
 * starts no new analysis.
 */
final class HeadBuffer {

    /** Spare arrays up to this size are kept, one per thread: a typical head fits in 256 or 512 bytes. */
    static final int SPARE_MAX = 1024;
    private static final int INITIAL = 256;
    private static final ThreadLocal<byte[]> SPARE = new ThreadLocal<>();

    private final AnalysisMemory.Lease memory;
    private byte[] bytes;
    private int length;
    /** Bytes of {@link #bytes} the budget was charged for. */
    private int charged;

    HeadBuffer(AnalysisMemory.Lease memory) {
        this.memory = memory;
    }

    int length() {
        return length;
    }

    /** Capacity held now, for tests of the memory bound. */
    int capacity() {
        return bytes == null ? 0 : bytes.length;
    }

    /** The array in use, for tests of its reuse. */
    byte[] array() {
        return bytes;
    }

    /** Appends one byte; false when the budget refused the room (nothing was appended). */
    boolean append(byte c) {
        if (!ensureCapacity(length + 1)) {
            return false;
        }
        bytes[length++] = c;
        return true;
    }

    /**
     * Appends {@code n} bytes of a {@code byte[]} or {@code ByteBuffer} (absolute reads), which fit
     * under the head limit; false when the budget refused the room (nothing was appended).
     */
    boolean append(Object data, int from, int n) {
        if (!ensureCapacity(length + n)) {
            return false;
        }
        WireBytes.copy(data, from, bytes, length, n);
        length += n;
        return true;
    }

    /**
     * Whether the budget admits a new head: a spent budget admits none, not even one read where it is,
     * so that a connection it refused is followed as TCP only and builds no analysis state.
     */
    boolean admitsNew() {
        return memory.admits(INITIAL);
    }

    /** The head collected ends with its last byte, at an empty line (the same rule as {@link HeadScan#headEnd}). */
    boolean endsWithBlankLine() {
        return length > 0 && HeadScan.headEnd(bytes, 0, length - 1, length) == length;
    }

    /** The head is exactly this ASCII text. */
    boolean is(String ascii) {
        return length == ascii.length() && HeadScan.is(bytes, 0, length, ascii);
    }

    /** The head, or why it is not one (see {@link HeadParser#parse}). */
    Object parse(boolean request) {
        return HeadParser.parse(bytes, 0, length, request);
    }

    /**
     * The call that fed this head returns with the head unfinished: the budget is charged for the
     * room it keeps until the next call. False when the budget refused (the caller lets it go).
     */
    boolean hold() {
        int room = bytes == null ? 0 : bytes.length;
        if (room <= charged) {
            return true;
        }
        if (!memory.reserve(room - charged)) {
            return false;
        }
        charged = room;
        return true;
    }

    /** Lets the bytes go (to the thread's spare when small), and gives their charged room back to the budget. */
    void drop() {
        byte[] b = bytes;
        if (b != null) {
            bytes = null;
            if (b.length <= SPARE_MAX && SPARE.get() == null) {
                SPARE.set(b);
            }
        }
        if (charged > 0) {
            memory.release(charged);
            charged = 0;
        }
        length = 0;
    }

    /**
     * Room for {@code needed} bytes, from the thread's spare or grown; false when the budget has no room
     * for a new head (or refused this connection before).
     */
    private boolean ensureCapacity(int needed) {
        int size = bytes == null ? 0 : bytes.length;
        if (needed <= size) {
            return true;
        }
        if (bytes == null) {
            // A spent budget admits no new head: the connection is then followed as TCP only, and holds no
            // analysis state (an HTTP/2 session's tables above all) that its bytes would otherwise build.
            if (!admitsNew()) {
                return false;
            }
            byte[] spare = SPARE.get();
            if (spare != null && spare.length >= needed) {
                SPARE.set(null);
                bytes = spare;
                return true;
            }
        }
        int grown = Math.max(INITIAL, size);
        while (grown < needed) {
            grown *= 2;
        }
        grown = Math.min(grown, Http1Stream.MAX_HEAD);
        bytes = bytes == null ? new byte[grown] : Arrays.copyOf(bytes, grown);
        return true;
    }
}
