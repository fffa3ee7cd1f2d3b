package io.connscope.agent.connection;

/**
 * One thread's io_uring submissions that await their completion, by user data: what connscope needs
 * to read a completion, taken when the submission was queued. That is the socket object (a descriptor
 * can be closed and reused before a late completion), the buffer, and for a gathering write the first
 * {@link #RANGES} (address, length) pairs of its iovec array, which Netty 4.2 reuses for the next
 * submissions before this one completes (the buffers they point to stay Netty's until then). A ring is
 * used by one event-loop thread, which both submits and completes, so the table is that thread's alone
 * and needs no lock. Open addressing with linear probing and backward-shift removal: no allocation per
 * entry, and a bounded size; an event loop has about two operations in flight per channel.
 */
final class UringPending {

    /** The most entries kept: past it, new submissions are not followed (and counted). */
    static final int MAX = 1 << 14;
    /** The iovec pairs kept per gathering write; bytes past them are counted, not analysed. */
    static final int RANGES = 4;
    private static final int INITIAL = 64;

    private long[] keys = new long[INITIAL];
    /** 0: a free slot (opcode 0, NOP, is never kept). */
    private byte[] opcodes = new byte[INITIAL];
    private Object[] sockets = new Object[INITIAL];
    private long[] addresses = new long[INITIAL];
    private int[] lengths = new int[INITIAL];
    /** Per slot: how many ranges were kept (-1: not a gathering write), and whether they are all of them. */
    private int[] rangeCounts = new int[INITIAL];
    private boolean[] rangesComplete = new boolean[INITIAL];
    private long[] rangeBases = new long[INITIAL * RANGES];
    private int[] rangeLengths = new int[INITIAL * RANGES];
    private int size;
    private long dropped;
    /** A completed gathering write's ranges, copied out of the table for {@link UringWrites}. */
    final long[] scratchBases = new long[RANGES];
    final int[] scratchLengths = new int[RANGES];

    /** Keeps a submission; false when the table is full. Its ranges, if any, are set with {@link #range}. */
    boolean put(long userData, byte opcode, Object socket, long address, int length) {
        int i = find(userData);
        if (i < 0) {
            if (2 * (size + 1) > keys.length) {
                if (!grow()) {
                    dropped++;
                    return false;
                }
                i = find(userData);
            }
            i = ~i;
            size++;
        }
        keys[i] = userData;
        opcodes[i] = opcode;
        sockets[i] = socket;
        addresses[i] = address;
        lengths[i] = length;
        rangeCounts[i] = -1;
        return true;
    }

    /** Sets range {@code n} (from 0, below {@link #RANGES}) of the entry at {@code slot}. */
    void range(int slot, int n, long base, int length) {
        rangeBases[slot * RANGES + n] = base;
        rangeLengths[slot * RANGES + n] = length;
    }

    /** The entry at {@code slot} is a gathering write: {@code count} ranges were set, all it had when {@code complete}. */
    void ranges(int slot, int count, boolean complete) {
        rangeCounts[slot] = count;
        rangesComplete[slot] = complete;
    }

    /** The slot of {@code userData}, or the complement of the free slot where it would go. */
    int find(long userData) {
        int mask = keys.length - 1;
        for (int i = hash(userData) & mask; ; i = (i + 1) & mask) {
            if (opcodes[i] == 0) {
                return ~i;
            }
            if (keys[i] == userData) {
                return i;
            }
        }
    }

    byte opcode(int slot) {
        return opcodes[slot];
    }

    Object socket(int slot) {
        return sockets[slot];
    }

    long address(int slot) {
        return addresses[slot];
    }

    int length(int slot) {
        return lengths[slot];
    }

    /** Ranges kept for the entry: -1 when it is no gathering write. */
    int ranges(int slot) {
        return rangeCounts[slot];
    }

    /** Whether the ranges kept are all the write had. */
    boolean allRanges(int slot) {
        return rangesComplete[slot];
    }

    long rangeBase(int slot, int n) {
        return rangeBases[slot * RANGES + n];
    }

    int rangeLength(int slot, int n) {
        return rangeLengths[slot * RANGES + n];
    }

    int size() {
        return size;
    }

    /** Submissions not kept because the table was full. */
    long dropped() {
        return dropped;
    }

    /** Frees a slot, moving back the entries after it that probed past it. */
    void remove(int slot) {
        int mask = keys.length - 1;
        int free = slot;
        for (int i = (slot + 1) & mask; opcodes[i] != 0; i = (i + 1) & mask) {
            int home = hash(keys[i]) & mask;
            // Entry i may fill the hole unless its home lies cyclically in (free, i].
            if (free <= i ? home <= free || home > i : home <= free && home > i) {
                move(i, free);
                free = i;
            }
        }
        opcodes[free] = 0;
        sockets[free] = null;
        size--;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        opcodes[to] = opcodes[from];
        sockets[to] = sockets[from];
        addresses[to] = addresses[from];
        lengths[to] = lengths[from];
        rangeCounts[to] = rangeCounts[from];
        rangesComplete[to] = rangesComplete[from];
        for (int n = 0; n < RANGES; n++) {
            rangeBases[to * RANGES + n] = rangeBases[from * RANGES + n];
            rangeLengths[to * RANGES + n] = rangeLengths[from * RANGES + n];
        }
    }

    /** Doubles the table, rarely: an event loop's operations in flight grow with its channels. */
    private boolean grow() {
        if (keys.length >= 2 * MAX) {
            return false;
        }
        UringPending old = copy();
        int n = keys.length * 2;
        keys = new long[n];
        opcodes = new byte[n];
        sockets = new Object[n];
        addresses = new long[n];
        lengths = new int[n];
        rangeCounts = new int[n];
        rangesComplete = new boolean[n];
        rangeBases = new long[n * RANGES];
        rangeLengths = new int[n * RANGES];
        for (int j = 0; j < old.keys.length; j++) {
            if (old.opcodes[j] != 0) {
                int i = ~find(old.keys[j]);
                keys[i] = old.keys[j];
                opcodes[i] = old.opcodes[j];
                sockets[i] = old.sockets[j];
                addresses[i] = old.addresses[j];
                lengths[i] = old.lengths[j];
                rangeCounts[i] = old.rangeCounts[j];
                rangesComplete[i] = old.rangesComplete[j];
                System.arraycopy(old.rangeBases, j * RANGES, rangeBases, i * RANGES, RANGES);
                System.arraycopy(old.rangeLengths, j * RANGES, rangeLengths, i * RANGES, RANGES);
            }
        }
        return true;
    }

    /** The arrays as they are, for {@link #grow} to re-insert from. */
    private UringPending copy() {
        UringPending c = new UringPending();
        c.keys = keys;
        c.opcodes = opcodes;
        c.sockets = sockets;
        c.addresses = addresses;
        c.lengths = lengths;
        c.rangeCounts = rangeCounts;
        c.rangesComplete = rangesComplete;
        c.rangeBases = rangeBases;
        c.rangeLengths = rangeLengths;
        return c;
    }

    /** User data packs a registration id, an opcode and a counter in its bits: mixed, so they spread. */
    private static int hash(long userData) {
        long h = userData * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
