package io.connscope.agent.connection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.IntSupplier;

/**
 * Name resolution as the connections see it. Each look-up the JDK's resolver answered is kept as
 * the calling thread's latest, counted per name ({@link NameTable}) and handed on for export. A
 * client connect then takes from its own thread the look-up of its name that just preceded it (that
 * time was the connection's too: "slow connect" is often slow DNS), the answer's order, and the
 * attempts to other addresses of that name that just failed: a client falling back through them.
 * Threads matter because clients that try an answer's addresses in turn (Apache HttpClient, OkHttp,
 * JDBC drivers) resolve and connect on one thread; a connect on another thread (java.net.http's
 * selector) gets the name's last answer, not a time.
 */
public final class NameLookups {

    /** A look-up is a connect's own when it ended at most this long before the connect started. */
    static final long LOOKUP_BEFORE_CONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A failed attempt and the next connect to the same name belong to one fallback when this close. */
    static final long FALLBACK_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ThreadLocal<NameLookup> lastLookup = new ThreadLocal<>();
    private final ThreadLocal<NameResolution.FailedAttempts> failed = new ThreadLocal<>();
    private final NameTable table;
    private final FinishedSink finished;
    private final IntSupplier cacheSeconds;
    private final BiPredicate<String, InetAddress[]> follows;
    /** The JDK's address cache policy, once read: null until then. */
    private volatile Boolean cachedForever;

    /**
     * @param cacheSeconds how long the JDK keeps a look-up, -1 for ever; read at the first connect to a
     *     name the JDK's resolver answered, when the JDK has read its own settings (reading it sooner
     *     would fix them before the application's main() could set networkaddress.cache.ttl)
     * @param follows whether a name and its addresses are followed (connscope.destinations.*)
     */
    public NameLookups(NameTable table, FinishedSink finished, IntSupplier cacheSeconds,
                       BiPredicate<String, InetAddress[]> follows) {
        this.table = table;
        this.finished = finished;
        this.cacheSeconds = cacheSeconds;
        this.follows = follows;
    }

    /** A look-up the resolver answered: {@code addresses} are InetAddresses, or {@code failure} is set. */
    void lookedUp(String host, Object[] addresses, Throwable failure, long startNanos, long endNanos) {
        if (host == null) {
            return;
        }
        List<InetAddress> answer = new ArrayList<>();
        if (failure == null && addresses != null) {
            for (Object a : addresses) {
                if (a instanceof InetAddress) {
                    answer.add((InetAddress) a);
                }
            }
        }
        if (!follows.test(host, answer.toArray(new InetAddress[0]))) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < Math.min(answer.size(), NameLookup.MAX_ADDRESSES); i++) {
            kept.add(answer.get(i).getHostAddress().intern());
        }
        int count = answer.size();
        String error = failure != null ? failure.getClass().getName() : count == 0 ? "no_address" : null;
        NameLookup lookup = new NameLookup(host, Collections.unmodifiableList(kept), count, error, startNanos, endNanos);
        lastLookup.set(lookup);
        table.record(lookup);
        finished.lookup(lookup);
    }

    /**
     * At a client connect's start, on the connecting thread: how its name was resolved, or null when
     * the destination was given as an address (nothing was resolved). {@code blocking}: a connect that
     * holds its thread until it ends (a Socket's), the only kind a fallback is told from: on an event
     * loop, connects to one name run side by side, and one's failure is not the next one's price.
     */
    NameResolution connecting(InetSocketAddress target, long startNanos, boolean blocking) {
        if (target == null || target.getAddress() == null || isLiteral(target.getHostString())) {
            return null;
        }
        String name = target.getHostString();
        String address = target.getAddress().getHostAddress();
        NameLookup lookup = lastLookup.get();
        boolean own = lookup != null && lookup.error == null && lookup.name.equalsIgnoreCase(name)
            && startNanos >= lookup.endNanos && startNanos - lookup.endNanos <= LOOKUP_BEFORE_CONNECT_NANOS;
        if (own) {
            lastLookup.remove(); // the look-up is this connect's; a later one to the same name found its answer cached
        }
        NameLookup answer = own ? lookup : table.lastAnswer(name);
        List<String> addresses = answer == null ? List.of() : answer.addresses;
        NameResolution.FailedAttempts before = blocking ? failed.get() : null;
        if (before != null && !before.before(name, target.getPort(), address, startNanos)) {
            before = null;
        }
        return new NameResolution(name, own ? lookup.durationNanos() : -1, addresses,
            answer == null ? 0 : answer.addressCount, addresses.indexOf(address) + 1, before,
            answer == null ? 0L : answer.startNanos, answer != null && cachedForever());
    }

    /** Whether the JDK keeps look-ups for ever; read once, when a name it looked up is connected to. */
    private boolean cachedForever() {
        Boolean forever = cachedForever;
        if (forever == null) {
            forever = cacheSeconds.getAsInt() < 0;
            cachedForever = forever;
        }
        return forever;
    }

    /**
     * A blocking client connect that failed, on the connecting thread: the next attempt to another
     * address may be a fallback. A failure to an address the chain already tried, or that overlaps the
     * chain's last attempt, starts a new chain; a connect closed from another thread (a client racing
     * connects cancels the losers) is no dead address.
     */
    void connectFailed(ConnectionRecord r, long endNanos) {
        NameResolution resolution = r.resolution;
        if (resolution == null || r.peerAddress == null || !"socket".equals(r.api) || closedElsewhere(r.connectErrorMessage)) {
            return;
        }
        NameResolution.FailedAttempts f = failed.get();
        if (f == null || !f.before(resolution.name, r.peerPort, r.peerAddress, r.openNanos)) {
            f = new NameResolution.FailedAttempts(resolution.name, r.peerPort, r.peerAddress, r.connectError);
            failed.set(f);
        }
        f.add(r.peerAddress, r.openNanos, endNanos);
    }

    /** A connect ended by a close from another thread, or by an interrupt (JDK 25 may add the address to the message). */
    private static boolean closedElsewhere(String message) {
        return message != null && (message.startsWith("Socket closed") || message.startsWith("Closed by interrupt"));
    }

    /** A client connect that succeeded on this thread: the attempts before it are its own, and done. */
    void connected() {
        failed.remove();
    }

    /** An IPv4 or IPv6 literal, or nothing: no name was resolved (a host name has no ':', nor only digits and dots). */
    static boolean isLiteral(String host) {
        if (host == null || host.isEmpty() || host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
