package io.connscope.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The queue the application threads hand exchanges to: bounded, in order, nothing lost but what it counts. */
class EventQueueTest {

    private final Destinations destinations = new Destinations(10);

    @Test
    void holdsExactlyItsCapacityAndKeepsOrderRoundAfterRound() {
        EventQueue queue = new EventQueue(5);
        ConnectionRecord r = record(1);
        List<Numbered> taken = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 7; round++) {
            for (int i = 0; i < 6; i++) {
                queue.exchange(r, new Numbered(0, next + i));
            }
            assertThat(queue.dropped()).isEqualTo(round + 1);
            Object item;
            while ((item = queue.poll()) != null) {
                taken.add((Numbered) ((EventQueue.Queued) item).exchange);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(taken.get(next + i).n).isEqualTo(next + i);
            }
            next += 5;
        }
        assertThat(taken).hasSize(35);
    }

    @Test
    void connectionsAndExchangesComeOutInTheOrderTheyWentIn() {
        EventQueue queue = new EventQueue(8);
        ConnectionRecord r = record(1);
        queue.exchange(r, new Numbered(0, 1));
        queue.connection(r);
        queue.exchange(r, new Numbered(0, 2));
        List<String> order = new ArrayList<>();
        Object item;
        while ((item = queue.poll()) != null) {
            order.add(item instanceof EventQueue.Queued ? "exchange " + ((Numbered) ((EventQueue.Queued) item).exchange).n
                : "connection " + ((ConnectionRecord) item).id());
        }
        assertThat(order).containsExactly("exchange 1", "connection 1", "exchange 2");
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
        Thread consumer = new Thread(() -> {
            boolean finished = false;
            while (!finished) {
                finished = done.get(); // read before draining: everything offered before it is drained below
                Object item;
                while ((item = queue.poll()) != null) {
                    Numbered x = (Numbered) ((EventQueue.Queued) item).exchange;
                    if (x.n <= last[x.producer]) {
                        outOfOrder.add(x.producer + ":" + x.n + " after " + last[x.producer]);
                    }
                    last[x.producer] = x.n;
                    delivered[x.producer]++;
                }
                Thread.yield();
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
