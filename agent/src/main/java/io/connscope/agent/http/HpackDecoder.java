package io.connscope.agent.http;

import io.connscope.agent.text.SafeText;
import io.connscope.agent.wire.AnalysisMemory;

/**
 * Decodes the HPACK header blocks (RFC 7541) of one direction of an HTTP/2 connection, keeping its
 * dynamic table in step, and keeps only the fields connscope reports: the pseudo-header fields. A
 * passive observer cannot skip a block: an entry it adds may be referred to by any later one. So
 * a block that cannot be decoded stops the decoding of that direction for good.
 *
 * <p>Runs only while a header block is complete, never on body bytes. Memory is bounded by the
 * dynamic table's size, which connscope caps at {@link #MAX_TABLE_SIZE}, and taken from the
 * connection's share of the {@link AnalysisMemory analysis budget}: the table as the heap holds
 * it, in steps of {@value #RESERVE_STEP} bytes, and the Huffman scratch beyond its first size. A
 * refusal stops the decoding like a malformed block.
 */
final class HpackDecoder {

    /** Larger than any table size a peer is likely to allow (the default is 4,096). */
    static final int MAX_TABLE_SIZE = 64 * 1024;
    private static final int ENTRY_OVERHEAD = 32;
    /** What the heap holds for an entry beyond its characters: two strings, their arrays, two ring slots. */
    private static final int ENTRY_HEAP_OVERHEAD = 96;
    static final int RESERVE_STEP = 4096;
    private static final int SCRATCH_CHARS = 64;

    private static final String[] STATIC_NAMES = {null, ":authority", ":method", ":method", ":path", ":path",
        ":scheme", ":scheme", ":status", ":status", ":status", ":status", ":status", ":status", ":status",
        "accept-charset", "accept-encoding", "accept-language", "accept-ranges", "accept",
        "access-control-allow-origin", "age", "allow", "authorization", "cache-control", "content-disposition",
        "content-encoding", "content-language", "content-length", "content-location", "content-range",
        "content-type", "cookie", "date", "etag", "expect", "expires", "from", "host", "if-match",
        "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified", "link",
        "location", "max-forwards", "proxy-authenticate", "proxy-authorization", "range", "referer", "refresh",
        "retry-after", "server", "set-cookie", "strict-transport-security", "transfer-encoding", "user-agent",
        "vary", "via", "www-authenticate"};
    private static final String[] STATIC_VALUES = new String[STATIC_NAMES.length];

    static {
        String[] values = {null, "", "GET", "POST", "/", "/index.html", "http", "https", "200", "204", "206",
            "304", "400", "404", "500", "", "gzip, deflate"};
        System.arraycopy(values, 0, STATIC_VALUES, 0, values.length);
        for (int i = values.length; i < STATIC_VALUES.length; i++) {
            STATIC_VALUES[i] = "";
        }
    }

    /** What a header block said, as far as connscope reports it. */
    static final class Fields {
        String method;
        String path;
        String authority;
        int status;
        long contentLength = -1;
        String traceparent;
        String userAgent;
        /** content-type application/grpc, with or without a +codec suffix. */
        boolean grpc;
        int grpcStatus = -1;
        String grpcMessage;
    }

    // The dynamic table, newest entry at `newest`, as a ring.
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int newest = -1;
    private int count;
    private int size;
    private int maxSize = 4096;
    private String failure;
    private char[] scratch = new char[SCRATCH_CHARS];
    private final AnalysisMemory.Lease memory;
    /** The dynamic table's entries as the heap holds them, and what is reserved for them. */
    private long tableHeapBytes;
    private long tableReserved;

    HpackDecoder(AnalysisMemory.Lease memory) {
        this.memory = memory;
    }

    // The block being decoded.
    private byte[] b;
    private int at;
    private int end;

    /** Why decoding stopped, or null while it goes on. */
    String failure() {
        return failure;
    }

    /** Decodes one complete header block; null (and {@link #failure()} says why) when it cannot. */
    Fields decode(byte[] block, int off, int len) {
        if (failure != null || names == null) {
            return null;
        }
        b = block;
        at = off;
        end = off + len;
        Fields fields = new Fields();
        try {
            boolean fieldSeen = false;
            while (at < end) {
                int first = b[at] & 0xFF;
                if ((first & 0x80) != 0) {
                    int index = integer(7);
                    field(fields, name(index), value(index));
                    fieldSeen = true;
                } else if ((first & 0xE0) == 0x20) {
                    int newMax = integer(5);
                    if (fieldSeen) {
                        return fail("dynamic table size update after a header field");
                    }
                    if (newMax > MAX_TABLE_SIZE) {
                        return fail("dynamic table size " + newMax + " over connscope's limit of " + MAX_TABLE_SIZE);
                    }
                    maxSize = newMax;
                    evictTo(maxSize);
                } else {
                    boolean indexing = (first & 0xC0) == 0x40;
                    int index = integer(indexing ? 6 : 4);
                    String name = index == 0 ? string() : name(index);
                    String value = string();
                    field(fields, name, value);
                    if (indexing) {
                        add(name, value);
                    }
                    fieldSeen = true;
                }
            }
            return fields;
        } catch (Malformed e) {
            return fail(e.getMessage());
        } finally {
            b = null;
            if (scratch != null && scratch.length > SCRATCH_CHARS) {
                memory.release(2L * (scratch.length - SCRATCH_CHARS));
                scratch = new char[SCRATCH_CHARS]; // an idle connection keeps no large scratch
            }
        }
    }

    /** Stops decoding for good: a block could not be read, so the table is out of step. */
    Fields fail(String reason) {
        failure = reason;
        end();
        return null;
    }

    /** Lets the table go, and gives its bytes back to the budget: the connection ended, or decoding stopped. */
    void end() {
        names = null;
        values = null;
        memory.release(tableReserved);
        tableReserved = 0;
        tableHeapBytes = 0;
    }

    private static void field(Fields fields, String name, String value) {
        switch (name) {
            case ":method":
                fields.method = SafeText.of(value, HeadParser.MAX_METHOD);
                break;
            case ":path":
                fields.path = SafeText.of(value, RequestTarget.MAX_LENGTH);
                break;
            case ":authority":
                fields.authority = SafeText.of(value, HeadParser.MAX_KEPT_VALUE);
                break;
            case "user-agent":
                fields.userAgent = SafeText.of(value, HeadParser.MAX_KEPT_VALUE);
                break;
            case ":status":
                fields.status = status(value);
                break;
            case "content-length":
                fields.contentLength = contentLength(value);
                break;
            case "traceparent":
                fields.traceparent = SafeText.of(value, HeadParser.MAX_KEPT_VALUE);
                break;
            case "content-type":
                fields.grpc = isGrpc(value);
                break;
            case "grpc-status":
                fields.grpcStatus = grpcStatus(value);
                break;
            case "grpc-message":
                fields.grpcMessage = SafeText.of(value, GrpcCall.MAX_MESSAGE);
                break;
            default:
                break;
        }
    }

    /**
     * {@code application/grpc}, alone or with a codec ({@code application/grpc+proto}) or parameters:
     * not gRPC-Web ({@code application/grpc-web…}), whose body carries its trailers.
     */
    static boolean isGrpc(String contentType) {
        String grpc = "application/grpc";
        return contentType.startsWith(grpc) && (contentType.length() == grpc.length()
            || contentType.charAt(grpc.length()) == '+' || contentType.charAt(grpc.length()) == ';');
    }

    /** A grpc-status: a decimal code, or -1 when it is not one. */
    private static int grpcStatus(String value) {
        if (value.isEmpty() || value.length() > 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + c - '0';
        }
        return code;
    }

    private static int status(String value) {
        if (value.length() != 3) {
            return 0;
        }
        int s = 0;
        for (int i = 0; i < 3; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            s = s * 10 + c - '0';
        }
        return s;
    }

    private static long contentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + c - '0';
        }
        return n;
    }

    /** An HPACK integer with an N-bit prefix (RFC 7541 §5.1), starting at the current byte. */
    private int integer(int prefixBits) throws Malformed {
        int mask = (1 << prefixBits) - 1;
        int value = b[at++] & mask;
        if (value < mask) {
            return value;
        }
        for (int shift = 0; ; shift += 7) {
            if (at >= end) {
                throw new Malformed("integer cut short");
            }
            if (shift > 21) {
                throw new Malformed("integer too large");
            }
            int next = b[at++] & 0xFF;
            value += (next & 0x7F) << shift;
            if ((next & 0x80) == 0) {
                return value;
            }
        }
    }

    /** A string literal (RFC 7541 §5.2): plain or Huffman-coded. */
    private String string() throws Malformed {
        if (at >= end) {
            throw new Malformed("string literal missing");
        }
        boolean huffman = (b[at] & 0x80) != 0;
        int length = integer(7);
        if (length > end - at) {
            throw new Malformed("string literal longer than its block");
        }
        String s;
        if (huffman) {
            int room = length * 8 / 5;
            if (scratch.length < room) {
                if (!memory.reserve(2L * (room - scratch.length))) {
                    throw new Malformed(AnalysisMemory.SPENT);
                }
                scratch = new char[room];
            }
            int n = Huffman.decode(b, at, length, scratch);
            if (n < 0) {
                throw new Malformed("invalid Huffman-coded string");
            }
            s = new String(scratch, 0, n);
        } else {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++) {
                chars[i] = (char) (b[at + i] & 0xFF);
            }
            s = new String(chars);
        }
        at += length;
        return s;
    }

    private String name(int index) throws Malformed {
        return index < STATIC_NAMES.length ? staticEntry(STATIC_NAMES, index) : names[dynamic(index)];
    }

    private String value(int index) throws Malformed {
        return index < STATIC_VALUES.length ? staticEntry(STATIC_VALUES, index) : values[dynamic(index)];
    }

    private static String staticEntry(String[] table, int index) throws Malformed {
        if (index == 0) {
            throw new Malformed("index 0");
        }
        return table[index];
    }

    /** The ring slot of dynamic-table index {@code index} (62 is the newest entry). */
    private int dynamic(int index) throws Malformed {
        int age = index - STATIC_NAMES.length;
        if (age >= count) {
            throw new Malformed("index " + index + " beyond the dynamic table");
        }
        return Math.floorMod(newest - age, names.length);
    }

    private void add(String name, String value) throws Malformed {
        int entrySize = name.length() + value.length() + ENTRY_OVERHEAD;
        if (entrySize > maxSize) {
            evictTo(0); // RFC 7541 §4.4: an entry larger than the table empties it
            return;
        }
        evictTo(maxSize - entrySize);
        tableHeapBytes += name.length() + value.length() + ENTRY_HEAP_OVERHEAD;
        if (tableHeapBytes > tableReserved) {
            long step = (tableHeapBytes - tableReserved + RESERVE_STEP - 1) / RESERVE_STEP * RESERVE_STEP;
            if (!memory.reserve(step)) {
                throw new Malformed(AnalysisMemory.SPENT);
            }
            tableReserved += step;
        }
        if (count == names.length) {
            grow();
        }
        newest = (newest + 1) % names.length;
        names[newest] = name;
        values[newest] = value;
        count++;
        size += entrySize;
    }

    private void evictTo(int target) {
        while (size > target && count > 0) {
            int oldest = Math.floorMod(newest - count + 1, names.length);
            tableHeapBytes -= names[oldest].length() + values[oldest].length() + ENTRY_HEAP_OVERHEAD;
            size -= names[oldest].length() + values[oldest].length() + ENTRY_OVERHEAD;
            names[oldest] = null;
            values[oldest] = null;
            count--;
        }
    }

    private void grow() {
        String[] n = new String[names.length * 2];
        String[] v = new String[names.length * 2];
        for (int age = 0; age < count; age++) {
            int from = Math.floorMod(newest - age, names.length);
            n[count - 1 - age] = names[from];
            v[count - 1 - age] = values[from];
        }
        names = n;
        values = v;
        newest = count - 1;
    }

    /** Entries in the dynamic table, for tests. */
    int dynamicEntries() {
        return count;
    }

    private static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }
}
