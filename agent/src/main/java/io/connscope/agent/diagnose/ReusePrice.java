package io.connscope.agent.diagnose;

import io.connscope.agent.connection.ReuseTimings;
import java.util.Locale;

/**
 * What not reusing connections cost one destination, from its {@link ReuseTimings}: the time a
 * request would have saved on a reused connection, and that times the new connections that could
 * have been avoided: those that carried a single request, and no more than the new ones beyond the
 * most that were open at once, which even a pool needs. Connections each reused by their own client
 * (several libraries, each with its pool) are not counted: nothing says one pool could have served them.
 * <p>
 * The saving per request is measured when both kinds were seen often enough: the mean time of a
 * request on a new connection (from its connect) less the mean on a reused one (from its request).
 * With too few reused requests to compare with, it is the setup alone (connect start to request),
 * as if the exchange itself had cost the same: a lower bound, which the wording says.
 */
public final class ReusePrice {

    /** Reused exchanges needed before their mean is compared with the new ones'. */
    static final long MIN_REUSED = 3;

    public final long newExchanges;
    public final long reusedExchanges;
    /** The most connections open at once to the destination: a pool needs that many anyway. */
    public final long peakOpen;
    /** Connections that carried a single request, once settled. */
    public final long singleRequest;
    /**
     * New connections a pool would have spared: those that carried a single request, but no more than
     * the new ones beyond {@link #peakOpen}.
     */
    public final long avoidable;
    /** The comparison was measured against reused requests (true) or is the setup alone (false). */
    public final boolean measured;
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
        singleRequest = t.singleRequestConnections.get();
        avoidable = Math.max(0, Math.min(singleRequest, newExchanges - peakOpen));
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
        measured = reusedExchanges >= MIN_REUSED;
        savingPerRequestNanos = measured ? Math.max(0, newMeanNanos - reusedMeanNanos) : setupMeanNanos;
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

    /**
     * The time of a request itself, which the saving is compared with: on a reused connection when
     * measured, else a new connection's request after its setup.
     */
    public long requestNanos() {
        return measured ? reusedMeanNanos : Math.max(0, newMeanNanos - setupMeanNanos);
    }

    /**
     * "reusing connections would have saved about 48 ms per request, 0.43 s in all (9 of 11 new
     * connections avoidable)", the one figure to act on; null when nothing could have been saved.
     */
    public String headline() {
        if (avoidable == 0 || savingPerRequestNanos == 0) {
            return null;
        }
        return String.format(Locale.ROOT, "reusing connections would have saved %s %s per request, %s in all (%d of %d"
            + " new connections avoidable)", measured ? "about" : "at least", millis(savingPerRequestNanos),
            seconds(savingTotalNanos), avoidable, newExchanges);
    }

    /** How the figure was reached: the two means, the setup and its parts, time to first byte and transfer. */
    public String basis() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d request(s) on new connections took %s on"
            + " average from the connect's start (setup before the request %s: connect %s, TLS %s; first byte %s,"
            + " transfer %s)", newExchanges, millis(newMeanNanos), millis(setupMeanNanos), millis(connectMeanNanos),
            tlsTotalNanos == 0 ? "none" : millis(tlsMeanNanos), millis(newFirstByteMeanNanos), millis(newTransferMeanNanos)));
        if (reusedExchanges > 0) {
            b.append(String.format(Locale.ROOT, ", %d on reused ones %s from the request (first byte %s, transfer %s)",
                reusedExchanges, millis(reusedMeanNanos), millis(reusedFirstByteMeanNanos), millis(reusedTransferMeanNanos)));
        } else {
            b.append(", none on a reused one");
        }
        if (!measured) {
            b.append("; too few reused requests to compare with, so the saving counted is the setup alone");
        }
        b.append(String.format(Locale.ROOT, "; %d connection(s) carried a single request; %d open at once at most; setup"
            + " paid in all %s (connect %s, TLS %s)", singleRequest, peakOpen, seconds(setupTotalNanos),
            seconds(connectTotalNanos), seconds(tlsTotalNanos)));
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
