package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ReuseTimings;
import java.util.Locale;

/**
 * What not reusing connections cost one destination, from its {@link ReuseTimings}: the setup a
 * request paid on a new connection (from the connect's start to its request's first byte: connect,
 * TLS, whatever else came first), which a request on a reused connection does not pay, times the
 * new connections a pool would have spared: those the client closed right after their one request,
 * and no more than the new ones beyond the most open at once, which even a pool needs.
 * <p>
 * Only the setup is claimed. The mean time of a request on a new connection against one on a reused
 * connection is shown beside it, as context: the two groups may be different requests (a download on
 * a connection of its own beside short calls on a pool), so their difference proves nothing.
 */
public final class ReusePrice {

    public final long newExchanges;
    public final long reusedExchanges;
    /** The most connections open at once to the destination: a pool needs that many anyway. */
    public final long peakOpen;
    /** Connections the client closed right after their one request (see {@link ReuseTimings#avoidableConnections}). */
    public final long closedAfterOne;
    /** New connections a pool would have spared: {@link #closedAfterOne}, but no more than new exchanges beyond {@link #peakOpen}. */
    public final long avoidable;
    /** The saving per request: the mean setup before the request on a new connection. */
    public final long savingPerRequestNanos;
    public final long savingTotalNanos;
    public final long newMeanNanos;
    /** -1 without reused exchanges. */
    public final long reusedMeanNanos;
    public final long setupMeanNanos;
    public final long connectMeanNanos;
    public final long tlsMeanNanos;
    public final long setupTotalNanos;
    public final long connectTotalNanos;
    public final long tlsTotalNanos;
    public final long newFirstByteMeanNanos;
    public final long newTransferMeanNanos;
    /** -1 without reused exchanges. */
    public final long reusedFirstByteMeanNanos;
    public final long reusedTransferMeanNanos;
    /** Transfer rates of large responses in bytes a second, first exchange of a connection and later ones; -1 without. */
    public final double firstRate;
    public final double laterRate;
    public final long firstRateResponses;
    public final long laterRateResponses;

    private ReusePrice(ReuseTimings t) {
        newExchanges = t.newExchanges.get();
        reusedExchanges = t.reusedExchanges.get();
        peakOpen = Math.max(1, t.peakOpen.get());
        closedAfterOne = t.avoidableConnections.get();
        avoidable = Math.max(0, Math.min(closedAfterOne, newExchanges - peakOpen));
        newMeanNanos = t.newTotalNanos.get() / newExchanges;
        setupTotalNanos = t.newSetupNanos.get();
        connectTotalNanos = t.newConnectNanos.get();
        tlsTotalNanos = t.newTlsNanos.get();
        setupMeanNanos = setupTotalNanos / newExchanges;
        connectMeanNanos = connectTotalNanos / newExchanges;
        tlsMeanNanos = tlsTotalNanos / newExchanges;
        newFirstByteMeanNanos = t.newFirstByteNanos.get() / newExchanges;
        newTransferMeanNanos = t.newTransferNanos.get() / newExchanges;
        reusedMeanNanos = mean(t.reusedTotalNanos.get(), reusedExchanges);
        reusedFirstByteMeanNanos = mean(t.reusedFirstByteNanos.get(), reusedExchanges);
        reusedTransferMeanNanos = mean(t.reusedTransferNanos.get(), reusedExchanges);
        savingPerRequestNanos = setupMeanNanos;
        savingTotalNanos = savingPerRequestNanos * avoidable;
        firstRateResponses = t.firstRateResponses.get();
        laterRateResponses = t.laterRateResponses.get();
        firstRate = rate(t.firstRateBytes.get(), t.firstRateNanos.get());
        laterRate = rate(t.laterRateBytes.get(), t.laterRateNanos.get());
    }

    /** The price so far, or null before any exchange on a new connection to the destination. */
    public static ReusePrice of(ReuseTimings t) {
        return t.newExchanges.get() == 0 ? null : new ReusePrice(t);
    }

    /** The time of the request itself on a new connection, after its setup: what the setup is set against. */
    public long requestNanos() {
        return Math.max(0, newMeanNanos - setupMeanNanos);
    }

    /**
     * "reusing connections would have saved at least 48 ms per request, 0.43 s in all (9 of 11 new
     * connections avoidable)", the one figure to act on; null when nothing could have been saved.
     */
    public String headline() {
        if (avoidable == 0 || savingPerRequestNanos == 0) {
            return null;
        }
        return String.format(Locale.ROOT, "reusing connections would have saved at least %s per request, %s in all (%d of"
            + " %d new connections avoidable)", millis(savingPerRequestNanos), seconds(savingTotalNanos), avoidable,
            newExchanges);
    }

    /** How the figure was reached: the setup and its parts, then as context the requests' own times and rates. */
    public String basis() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "A new connection paid %s before its request"
            + " (connect %s, TLS %s; %s in all over %d new connections: connect %s, TLS %s); %d closed by the client"
            + " right after their one request, %d open at once at most", millis(setupMeanNanos), millis(connectMeanNanos),
            tlsTotalNanos == 0 ? "none" : millis(tlsMeanNanos), seconds(setupTotalNanos), newExchanges,
            seconds(connectTotalNanos), seconds(tlsTotalNanos), closedAfterOne, peakOpen));
        b.append(String.format(Locale.ROOT, ". Requests on new connections took %s from the connect's start (first byte"
            + " %s after the request, transfer %s)", millis(newMeanNanos), millis(newFirstByteMeanNanos),
            millis(newTransferMeanNanos)));
        if (reusedExchanges > 0) {
            b.append(String.format(Locale.ROOT, ", %d on reused ones %s from the request (first byte %s, transfer %s)",
                reusedExchanges, millis(reusedMeanNanos), millis(reusedFirstByteMeanNanos), millis(reusedTransferMeanNanos)));
        } else {
            b.append(", none went on a reused one");
        }
        String rates = rates();
        return rates == null ? b.toString() : b.append("; ").append(rates).toString();
    }

    /** Large responses' transfer rate on a connection's first exchange against later ones, when both were seen. */
    public String rates() {
        if (firstRate < 0 || laterRate < 0) {
            return null;
        }
        return String.format(Locale.ROOT, "responses of %d KiB or more arrived at %s on a connection's first exchange"
            + " (%d) and %s on later ones (%d)", ReuseTimings.RATE_MIN_BYTES / 1024, perSecond(firstRate),
            firstRateResponses, perSecond(laterRate), laterRateResponses);
    }

    private static long mean(long sum, long n) {
        return n == 0 ? -1 : sum / n;
    }

    private static double rate(long bytes, long nanos) {
        return bytes == 0 || nanos <= 0 ? -1 : bytes * 1e9 / nanos;
    }

    static String millis(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
    }

    /** Milliseconds below a second, else seconds. */
    static String seconds(long nanos) {
        return nanos < 1_000_000_000L ? millis(nanos) : String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String perSecond(double bytesPerSecond) {
        return bytesPerSecond >= 1e6 ? String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6)
            : String.format(Locale.ROOT, "%.0f kB/s", bytesPerSecond / 1e3);
    }
}
