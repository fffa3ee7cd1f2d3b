package io.connscope.agent.connection;

import java.util.ArrayList;
import java.util.List;

/**
 * How a client connection's destination name became the address it connected to: the look-up that
 * preceded the connect on the same thread (when the JDK's resolver ran for it, rather than its
 * cache), the answer's addresses and this address's place among them, and the attempts to other
 * addresses of the same answer that failed just before (a client falling back, as Apache HttpClient
 * and OkHttp do, through the addresses in order).
 */
public final class NameResolution {

    public final String name;
    /** The resolver's time for the look-up just before this connect, or -1 when its cache answered. */
    public final long lookupNanos;
    /** The answer's addresses as last resolved (empty when this JVM's resolver was not seen answering). */
    public final List<String> addresses;
    public final int addressCount;
    /** This connection's address's place in the answer, from 1; 0 when it is not among the addresses known. */
    public final int addressIndex;
    /** Attempts to other addresses of this name that failed just before this connect, from this thread. */
    public final int failedAttempts;
    /** Their time, connect start to failure, in all. */
    public final long failedNanos;
    /** The first failed attempt's address and its exception class (null when none failed). */
    public final String failedAddress;
    public final String failedError;
    /** When the answer above was looked up (System.nanoTime()), or 0 when the JDK's resolver was not seen giving it. */
    public final long answerNanos;
    /** The JDK keeps look-ups for ever (its address cache policy is -1): the answer above is the only one it will use. */
    public final boolean cachedForever;

    NameResolution(String name, long lookupNanos, List<String> addresses, int addressCount, int addressIndex,
                   FailedAttempts failed, long answerNanos, boolean cachedForever) {
        this.name = name;
        this.lookupNanos = lookupNanos;
        this.addresses = addresses;
        this.addressCount = addressCount;
        this.addressIndex = addressIndex;
        this.failedAttempts = failed == null ? 0 : failed.count;
        this.failedNanos = failed == null ? 0 : failed.nanos;
        this.failedAddress = failed == null ? null : failed.firstAddress;
        this.failedError = failed == null ? null : failed.firstError;
        this.answerNanos = answerNanos;
        this.cachedForever = cachedForever;
    }

    /**
     * Blocking connects to one name and port that failed one after another on one thread, each to an
     * address not tried before in the chain (at most {@link NameLookup#MAX_ADDRESSES} kept).
     */
    static final class FailedAttempts {
        final String name;
        final int port;
        final String firstAddress;
        final String firstError;
        private final List<String> tried = new ArrayList<>();
        int count;
        long nanos;
        long lastEndNanos;

        FailedAttempts(String name, int port, String firstAddress, String firstError) {
            this.name = name;
            this.port = port;
            this.firstAddress = firstAddress;
            this.firstError = firstError;
        }

        /**
         * Whether a connect to {@code address} of this name and port, starting at {@code startNanos},
         * comes next in the chain: after its last failure ended, within the fallback gap, and to an
         * address not tried yet.
         */
        boolean before(String otherName, int otherPort, String address, long startNanos) {
            return name.equalsIgnoreCase(otherName) && port == otherPort && startNanos >= lastEndNanos
                && startNanos - lastEndNanos <= NameLookups.FALLBACK_GAP_NANOS && !tried.contains(address);
        }

        void add(String address, long startNanos, long endNanos) {
            if (tried.size() < NameLookup.MAX_ADDRESSES) {
                tried.add(address);
            }
            count++;
            nanos += endNanos - startNanos;
            lastEndNanos = endNanos;
        }
    }
}
