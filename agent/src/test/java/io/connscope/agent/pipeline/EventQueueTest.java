package io.connscope.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.wire.WireExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The ring the application threads hand exchanges to: bounded, in order, nothing lost but what it counts. */
class EventQueueTest {

    private final Destinations destinations = new Destinations(10);

    @Test
    void holdsExactlyItsCapacityWhenThatIsNoPowerOfTwoAndKeepsOrderRoundAfterRound() {
        EventQueue queue = new EventQueue(5);
        ConnectionRecord r = record(1);
        Drain drain = new Drain();
        int next = 0;
        for (int round = 0; round < 7; round++) { // 7 × 5 positions: the 8-slot ring goes round several times
            for (int i = 0; i < 6; i++) {
                queue.exchange(r, new Numbered(0, next + i));
            }
            assertThat(queue.dropped()).isEqualTo(round + 1);
            while (queue.poll(drain, false)) {
                // drained
            }
            for (int i = 0; i < 5; i++) {
                assertThat(drain.exchanges.get(next + i).n).isEqualTo(next + i);
            }
            next += 5;
        }
        assertThat(drain.exchanges).hasSize(35);
    }

    @Test
    void everyWaitingExchangeComesBeforeASettledConnection() {
        EventQueue queue = new EventQueue(8);
        ConnectionRecord r = record(1);
        queue.exchange(r, new Numbered(0, 1));
        queue.connection(r);
        queue.exchange(r, new Numbered(0, 2));
        Drain drain = new Drain();
        while (queue.poll(drain, false)) {
            // drained
        }
        assertThat(drain.order).containsExactly("exchange 1", "exchange 2", "connection 1");
    }

    @Test
    void refusesACapacityItCannotHold() {
        assertThatThrownBy(() -> new EventQueue(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventQueue((1 << 30) + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Four producers at once against a consumer that drains as the pipeline does: every exchange is
     * either delivered once or counted as dropped, and each producer's arrive in the order it offered them.
     */
    @Test
    void concurrentProducersLoseNothingUncountedAndKeepTheirOwnOrder() throws Exception {
        EventQueue queue = new EventQueue(1000);
        int producers = 4;
        int each = 200_000;
        ConnectionRecord r = record(1);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    queue.exchange(r, new Numbered(id, i));
                }
            });
            t.start();
            threads.add(t);
        }
        AtomicBoolean done = new AtomicBoolean();
        long[] delivered = new long[producers];
        int[] last = {-1, -1, -1, -1};
        List<String> outOfOrder = new ArrayList<>();
        EventQueue.Consumer check = new EventQueue.Consumer() {
            @Override
            public void exchange(ConnectionRecord connection, WireExchange exchange) {
                Numbered x = (Numbered) exchange;
                if (x.n <= last[x.producer]) {
                    outOfOrder.add(x.producer + ":" + x.n + " after " + last[x.producer]);
                }
                last[x.producer] = x.n;
                delivered[x.producer]++;
            }

            @Override
            public void connection(ConnectionRecord connection) {
            }
        };
        Thread consumer = new Thread(() -> {
            while (!done.get()) {
                while (queue.poll(check, false)) {
                    // drained
                }
                Thread.yield();
            }
            while (queue.poll(check, true)) {
                // the last ones
            }
        });
        consumer.start();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        done.set(true);
        consumer.join();
        long total = 0;
        for (long d : delivered) {
            total += d;
        }
        assertThat(outOfOrder).isEmpty();
        assertThat(total + queue.dropped()).isEqualTo((long) producers * each);
        assertThat(total).as("the consumer kept up with some of it").isPositive();
    }

    private ConnectionRecord record(long id) {
        return new ConnectionRecord(id, Role.CLIENT, "socket", destinations.of(Role.CLIENT, "api", 80), 0L);
    }

    /** Records what the queue hands over, in order. */
    private static final class Drain implements EventQueue.Consumer {
        final List<Numbered> exchanges = new ArrayList<>();
        final List<String> order = new ArrayList<>();

        @Override
        public void exchange(ConnectionRecord connection, WireExchange exchange) {
            exchanges.add((Numbered) exchange);
            order.add("exchange " + ((Numbered) exchange).n);
        }

        @Override
        public void connection(ConnectionRecord connection) {
            order.add("connection " + connection.id());
        }
    }

    /** An exchange that only says who offered it, and its place in that producer's sequence. */
    private static final class Numbered implements WireExchange {
        final int producer;
        final int n;

        Numbered(int producer, int n) {
            this.producer = producer;
            this.n = n;
        }

        @Override
        public String protocol() {
            return "test";
        }

        @Override
        public String operation() {
            return "op";
        }

        @Override
        public int index() {
            return n;
        }

        @Override
        public long requestStartNanos() {
            return 0;
        }

        @Override
        public long requestEndNanos() {
            return 0;
        }

        @Override
        public long responseStartNanos() {
            return 0;
        }

        @Override
        public long responseEndNanos() {
            return 0;
        }

        @Override
        public String failure() {
            return null;
        }

        @Override
        public String errorType() {
            return null;
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }
    }
}
