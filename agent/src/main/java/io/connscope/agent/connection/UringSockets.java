package io.connscope.agent.connection;

import io.connscope.agent.runtime.AgentLog;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Netty's io_uring socket objects by descriptor, the one thing a submission names them by. A
 * descriptor is unique in the process while it is open, so one table serves every ring and thread.
 * Each descriptor has two slots: its socket object (the last one made for it: Netty makes a throwaway
 * one for an accepted descriptor before the channel's own), and, from its accept until its first
 * submission, the listening socket that accepted it. Written under this object's lock when a socket is
 * made, accepted or closed; read without a lock on every submission.
 */
final class UringSockets {

    /** Descriptors at or above this are not followed: the table's bound, 2^21 references at most. */
    static final int MAX_FD = 1 << 20;

    private volatile AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(2 * 1024);

    /** The socket object for {@code fd}, or null. */
    Object socket(int fd) {
        AtomicReferenceArray<Object> s = slots;
        return fd >= 0 && 2 * fd < s.length() ? s.get(2 * fd) : null;
    }

    /** The listening socket that accepted {@code fd} and has not yet seen it used, or null. */
    Object acceptedBy(int fd) {
        AtomicReferenceArray<Object> s = slots;
        return fd >= 0 && 2 * fd + 1 < s.length() ? s.get(2 * fd + 1) : null;
    }

    void made(Object socket, int fd) {
        if (fits(fd)) {
            synchronized (this) {
                grow(fd);
                slots.set(2 * fd, socket);
            }
        }
    }

    void accepted(int fd, Object listening) {
        if (fits(fd)) {
            synchronized (this) {
                grow(fd);
                slots.set(2 * fd + 1, listening);
            }
        }
    }

    /** Forgets who accepted {@code fd}: it has been reported. */
    synchronized void acceptReported(int fd) {
        if (fd >= 0 && 2 * fd + 1 < slots.length()) {
            slots.set(2 * fd + 1, null);
        }
    }

    /** {@code socket} was closed directly: its descriptor is forgotten, if it is still its. */
    synchronized void closed(int fd, Object socket) {
        AtomicReferenceArray<Object> s = slots;
        if (fd >= 0 && 2 * fd < s.length() && s.get(2 * fd) == socket) {
            s.set(2 * fd, null);
            s.set(2 * fd + 1, null);
        }
    }

    /** {@code fd} is being closed: its socket object, now forgotten, or null. */
    synchronized Object closed(int fd) {
        AtomicReferenceArray<Object> s = slots;
        if (fd < 0 || 2 * fd >= s.length()) {
            return null;
        }
        s.set(2 * fd + 1, null);
        return s.getAndSet(2 * fd, null);
    }

    /** Whether {@code fd} is one the table holds; one above its bound is said once. */
    private static boolean fits(int fd) {
        if (fd >= MAX_FD) {
            AgentLog.once("io_uring-fd", "an io_uring socket has descriptor " + fd + ", above " + MAX_FD
                + ": connections over such descriptors are not followed", null);
        }
        return fd >= 0 && fd < MAX_FD;
    }

    /** Makes room for {@code fd}; under this object's lock. */
    private void grow(int fd) {
        AtomicReferenceArray<Object> s = slots;
        if (2 * fd + 1 >= s.length()) {
            AtomicReferenceArray<Object> bigger = new AtomicReferenceArray<>(Math.min(2 * MAX_FD, Math.max(2 * s.length(),
                2 * fd + 2)));
            for (int i = 0; i < s.length(); i++) {
                bigger.set(i, s.get(i));
            }
            slots = bigger;
        }
    }
}
