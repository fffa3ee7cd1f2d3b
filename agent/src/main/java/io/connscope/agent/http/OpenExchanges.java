package io.connscope.agent.http;

import java.util.Arrays;
import java.util.Comparator;

/**
 * One connection's HTTP/1.x exchanges from their first message head to their end: usually one, a
 * few when requests are pipelined, at most {@link #MAX}. Both directions' threads and the export
 * thread use them, under this object's lock, taken once per message head and end, never per read or
 * write. An array grown on demand, not a ConcurrentHashMap: every tracked connection keeps one for
 * its whole life, idle in a pool too, and the map would hold about 100 bytes more.
 */
final class OpenExchanges {

    /** Exchanges followed at once; a deeper pipeline (or a one-sided stream) ends the analysis. */
    static final int MAX = 64;

    private HttpExchange[] slots = new HttpExchange[1];
    private int count;

    /**
     * Exchange {@code index}, made when neither direction came to it yet; null when {@link #MAX}
     * others are open.
     */
    synchronized HttpExchange slot(int index) {
        for (int i = 0; i < count; i++) {
            if (slots[i].index == index) {
                return slots[i];
            }
        }
        if (count == MAX) {
            return null;
        }
        if (count == slots.length) {
            slots = Arrays.copyOf(slots, Math.min(MAX, count * 2));
        }
        HttpExchange made = new HttpExchange(index);
        slots[count++] = made;
        return made;
    }

    /** Removes {@code e}: true when it was open here (so that exactly one caller completes it). */
    synchronized boolean remove(HttpExchange e) {
        for (int i = 0; i < count; i++) {
            if (slots[i] == e) {
                System.arraycopy(slots, i + 1, slots, i, count - i - 1);
                slots[--count] = null;
                return true;
            }
        }
        return false;
    }

    /** Removes them all, and returns them in their order on the connection. */
    synchronized HttpExchange[] removeAll() {
        HttpExchange[] all = Arrays.copyOf(slots, count);
        Arrays.fill(slots, 0, count, null);
        count = 0;
        Arrays.sort(all, Comparator.comparingInt(e -> e.index));
        return all;
    }

    /** The earliest request still waiting for (the end of) its response, or null. */
    synchronized HttpExchange earliestUnanswered() {
        HttpExchange first = null;
        for (int i = 0; i < count; i++) {
            HttpExchange e = slots[i];
            if (e.method != null && e.responseEndNanos == 0L && (first == null || e.index < first.index)) {
                first = e;
            }
        }
        return first;
    }
}
