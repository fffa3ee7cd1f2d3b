package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class DestinationsTest {

    @Test
    void destinationsPastTheLimitShareTheOtherEntryOfTheirRole() {
        Destinations d = new Destinations(2);
        Destination a = d.of(Role.CLIENT, "a", 1);
        assertThat(d.of(Role.CLIENT, "a", 1)).isSameAs(a);
        d.of(Role.SERVER, null, 80);
        assertThat(d.of(Role.CLIENT, "c", 3).key).isEqualTo(Destinations.OTHER + " client");
        assertThat(d.of(Role.SERVER, null, 81).key).isEqualTo(Destinations.OTHER + " server");
        assertThat(d.of(Role.CLIENT, "a", 1)).as("a destination within the limit stays its own").isSameAs(a);
    }

    @Test
    void threadsMeetingNewDestinationsTogetherNeverGoPastTheLimit() throws Exception {
        int limit = 1000;
        for (int attempt = 0; attempt < 20; attempt++) {
            Destinations d = new Destinations(limit);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 400; i++) {
                        d.of(Role.CLIENT, "h" + thread, i);
                        d.of(Role.CLIENT, "shared", i); // the same new destination from every thread
                    }
                });
                th.start();
                threads.add(th);
            }
            start.countDown();
            for (Thread th : threads) {
                th.join();
            }
            long own = d.all().stream().filter(x -> !x.key.startsWith(Destinations.OTHER)).count();
            assertThat(own).isEqualTo(limit);
        }
    }
}
