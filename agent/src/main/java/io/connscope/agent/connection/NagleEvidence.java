package io.connscope.agent.connection;


/**
 * What a client connection shows of Nagle's algorithm meeting delayed ACK, kept where an answer is
 * expected: a client's read after its request's writes is that request's answer (a server's next
 * read is only the client's next request, whenever the client sends it).
 *
 * <ul>
 *   <li>This side's Nagle: a request written in two or more small writes with TCP_NODELAY off, whose
 *       answer came within the delayed-ACK band after the last write, compared with the requests
 *       written in one write.
 *   <li>The peer's Nagle: a response whose head arrived, then its body within the band, with nothing
 *       sent by this side in between (which would have carried the ACK at once).
 * </ul>
 *
 * Waits are judged against the delayed-ACK band on the writing thread, so that a connection keeps a
 * few counters, never a list of waits.
 */
public final class NagleEvidence {

    public static final int SIZES = 4;

    private final NagleBand band;

    // This side's current burst of writes since the last read (the writing thread's).
    private int burstWrites;
    private long burstBytes;
    private boolean burstHasLargeWrite;
    // The burst's first SIZES write sizes: fields, not an array, which every client connection would hold for life.
    private int burstSize0;
    private int burstSize1;
    private int burstSize2;
    private int burstSize3;

    /** Answered requests of two or more small writes sent with TCP_NODELAY off; of them, answered within the band. */
    public volatile int splitRequests;
    public volatile int stalledRequests;
    public volatile long stalledMinNanos;
    public volatile long stalledMaxNanos;
    /** The first stalled request's writes, bytes and first sizes (null before it: most connections never stall), for the evidence. */
    public volatile int stallWrites;
    public volatile long stallBytes;
    public volatile int[] stallSizes;
    /** Answered requests written in one write; of them, answered at the band's start or later; the others' longest wait. */
    public volatile int singleRequests;
    public volatile int slowSingleRequests;
    public volatile long fastSingleMaxNanos;

    /** Responses with a body; of them, whose body came in a later read than the head; of those, within the band. */
    public volatile int responsesWithBody;
    public volatile int splitResponses;
    public volatile int stalledResponses;
    public volatile long stalledResponseMinNanos;
    public volatile long stalledResponseMaxNanos;

    NagleEvidence(NagleBand band) {
        this.band = band;
    }

    // ---- hot path (the connection's writing and reading threads) ----

    void written(long n) {
        int size = (int) Math.min(Integer.MAX_VALUE, n);
        switch (burstWrites) {
            case 0:
                burstSize0 = size;
                break;
            case 1:
                burstSize1 = size;
                break;
            case 2:
                burstSize2 = size;
                break;
            case 3:
                burstSize3 = size;
                break;
            default:
                break;
        }
        burstWrites++;
        burstBytes += n;
        if (n > band.smallWriteBytes()) {
            burstHasLargeWrite = true;
        }
    }

    boolean awaitingAnswer() {
        return burstWrites > 0;
    }

    /** The first read after a burst: its answer, {@code waitNanos} after the burst's last write. */
    void answered(long waitNanos, boolean noDelay) {
        if (burstWrites == 1) {
            singleRequests++;
            if (waitNanos >= band.minNanos()) {
                slowSingleRequests++;
            } else if (waitNanos > fastSingleMaxNanos) {
                fastSingleMaxNanos = waitNanos;
            }
        } else if (!burstHasLargeWrite && !noDelay) {
            splitRequests++;
            if (band.contains(waitNanos)) {
                stalled(waitNanos);
            }
        }
        burstWrites = 0;
        burstBytes = 0;
        burstHasLargeWrite = false;
    }

    private void stalled(long waitNanos) {
        if (stalledRequests == 0) {
            stalledMinNanos = waitNanos;
            stalledMaxNanos = waitNanos;
            stallWrites = burstWrites;
            stallBytes = burstBytes;
            stallSizes = new int[] {burstSize0, burstSize1, burstSize2, burstSize3};
        } else {
            stalledMinNanos = Math.min(stalledMinNanos, waitNanos);
            stalledMaxNanos = Math.max(stalledMaxNanos, waitNanos);
        }
        stalledRequests++; // after the evidence above, which a reader finds once it sees a stall
    }

    // ---- per exchange ----

    /**
     * A finished response with a body: {@code bodyWaitNanos} from its head to its body's first bytes
     * when they came in a later read (else negative); {@code wroteBetween} when this side sent
     * something in that time, whose segment carried the ACK the peer waited for.
     */
    public void response(long bodyWaitNanos, boolean wroteBetween) {
        responsesWithBody++;
        if (bodyWaitNanos < 0) {
            return;
        }
        splitResponses++;
        if (!wroteBetween && band.contains(bodyWaitNanos)) {
            if (stalledResponses++ == 0) {
                stalledResponseMinNanos = bodyWaitNanos;
                stalledResponseMaxNanos = bodyWaitNanos;
            } else {
                stalledResponseMinNanos = Math.min(stalledResponseMinNanos, bodyWaitNanos);
                stalledResponseMaxNanos = Math.max(stalledResponseMaxNanos, bodyWaitNanos);
            }
        }
    }
}
