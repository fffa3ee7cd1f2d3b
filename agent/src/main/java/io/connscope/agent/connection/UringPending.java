package io.connscope.agent.connection;

/**
 * One thread's io_uring submissions that await their completion, by user data: what connscope needs
 * to read a completion (opcode, descriptor, buffer, length). A ring is used by one event-loop thread,
 * which both submits and completes, so the table is that thread's alone and needs no lock. Open
 * addressing with linear probing and backward-shift removal: no allocation per entry, and a bounded
 * size; an event loop has about two operations in flight per channel.
 */
final class UringPending {

    /** The most entries kept: past it, new submissions are not followed (and counted by the caller). */
    static final int MAX = 1 << 16;
    private static final int INITIAL = 64;

    private long[] keys = new long[INITIAL];
    /** 0: a free slot (opcode 0, NOP, is never kept). */
    private byte[] opcodes = new byte[INITIAL];
    private int[] fds = new int[INITIAL];
    private long[] addresses = new long[INITIAL];
    private int[] lengths = new int[INITIAL];
    private int size;

    /** Keeps a submission; false when the table is full. */
    boolean put(long userData, byte opcode, int fd, long address, int length) {
        int i = find(userData);
        if (i < 0) {
            if (2 * (size + 1) > keys.length) {
                if (!grow()) {
                    return false;
                }
                i = find(userData);
            }
            i = ~i;
            size++;
        }
        keys[i] = userData;
        opcodes[i] = opcode;
        fds[i] = fd;
        addresses[i] = address;
        lengths[i] = length;
        return true;
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

    int fd(int slot) {
        return fds[slot];
    }

    long address(int slot) {
        return addresses[slot];
    }

    int length(int slot) {
        return lengths[slot];
    }

    int size() {
        return size;
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
        size--;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        opcodes[to] = opcodes[from];
        fds[to] = fds[from];
        addresses[to] = addresses[from];
        lengths[to] = lengths[from];
    }

    /** Doubles the table, rarely: an event loop's operations in flight grow with its channels. */
    private boolean grow() {
        if (keys.length >= 2 * MAX) {
            return false;
        }
        long[] oldKeys = keys;
        byte[] oldOps = opcodes;
        int[] oldFds = fds;
        long[] oldAddresses = addresses;
        int[] oldLengths = lengths;
        int n = oldKeys.length * 2;
        keys = new long[n];
        opcodes = new byte[n];
        fds = new int[n];
        addresses = new long[n];
        lengths = new int[n];
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldOps[j] != 0) {
                int i = ~find(oldKeys[j]);
                keys[i] = oldKeys[j];
                opcodes[i] = oldOps[j];
                fds[i] = oldFds[j];
                addresses[i] = oldAddresses[j];
                lengths[i] = oldLengths[j];
            }
        }
        return true;
    }

    /** User data packs a registration id, an opcode and a counter in its bits: mixed, so they spread. */
    private static int hash(long userData) {
        long h = userData * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
