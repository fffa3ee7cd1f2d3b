package io.connscope.agent.connection;

import static io.connscope.agent.testing.Generators.listOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EventLogTest {

    @Test
    void keepsOrderUpToCapacityAndAlwaysTheNewestLast() {
        qt().forAll(listOf(arbitrary().enumValues(ConnectionEvent.class), 0, 40))
            .checkAssert(EventLogTest::keepsOrderUpToCapacityAndAlwaysTheNewestLast);
    }

    private static void keepsOrderUpToCapacityAndAlwaysTheNewestLast(List<ConnectionEvent> events) {
        EventLog log = new EventLog();
        events.forEach(log::add);
        List<ConnectionEvent> stored = log.events();
        if (events.size() <= EventLog.CAPACITY) {
            assertThat(stored).isEqualTo(events);
        } else {
            assertThat(stored).hasSize(EventLog.CAPACITY);
            assertThat(stored.subList(0, EventLog.CAPACITY - 1)).isEqualTo(events.subList(0, EventLog.CAPACITY - 1));
            assertThat(stored.get(EventLog.CAPACITY - 1)).isEqualTo(events.get(events.size() - 1));
        }
        for (ConnectionEvent e : ConnectionEvent.values()) {
            assertThat(log.contains(e)).isEqualTo(stored.contains(e));
        }
    }

    @Test
    void concurrentAppendsLoseNothingBelowCapacity() throws Exception {
        EventLog log = new EventLog();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        ConnectionEvent[] mine = {ConnectionEvent.FIRST_READ, ConnectionEvent.FIRST_WRITE, ConnectionEvent.EOF};
        for (ConnectionEvent e : mine) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException ignored) {
                    return;
                }
                for (int i = 0; i < 4; i++) {
                    log.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(log.events()).hasSize(12);
        for (ConnectionEvent e : mine) {
            assertThat(log.events().stream().filter(e::equals).count()).isEqualTo(4);
        }
    }
}
