package io.connscope.agent.connection;

import java.util.concurrent.atomic.AtomicLong;

/** Creates the record of each connection followed: its id, in the order followed, and its Nagle band. */
final class RecordFactory {

    private final AtomicLong ids = new AtomicLong();
    private final NagleBand nagleBand;

    RecordFactory(NagleBand nagleBand) {
        this.nagleBand = nagleBand;
    }

    ConnectionRecord create(Role role, String api, Destination destination, long openNanos) {
        return new ConnectionRecord(ids.incrementAndGet(), role, api, destination, openNanos, nagleBand);
    }
}
