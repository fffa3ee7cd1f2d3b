package io.connscope.agent.connection;

/** Where io_uring's gathering writes go: bytes taken from ranges read when the write was submitted. */
interface UringWrites {

    /**
     * {@code bytes} bytes written from the first {@code count} of these ranges in order; bytes past them
     * (a write with more ranges than were kept) are counted without being read.
     */
    void writeRanges(Object key, long bytes, long[] bases, int[] lengths, int count);
}
