package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UringPendingTest {

    /**
     * Random puts, finds and removals against a HashMap: the table must agree after every step, through
     * growth and through removals that shift probe chains back across the end of the array.
     */
    @Test
    void agreesWithAMapThroughGrowthAndRemovals() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            UringPending table = new UringPending();
            Map<Long, Integer> oracle = new HashMap<>();
            List<Long> keys = new ArrayList<>();
            // Few distinct keys per run in some seeds (dense collisions), many in others (growth).
            int universe = seed % 2 == 0 ? 50 : 5_000;
            for (int step = 0; step < 20_000; step++) {
                long key = (random.nextInt(universe) * 0x1_0000_0000L) | random.nextInt(3);
                int action = random.nextInt(3);
                if (action < 2) {
                    int fd = random.nextInt(1000);
                    assertThat(table.put(key, (byte) 27, Integer.valueOf(fd), key * 3, fd + 1)).isTrue();
                    if (!oracle.containsKey(key)) {
                        keys.add(key);
                    }
                    oracle.put(key, fd);
                } else if (!keys.isEmpty()) {
                    long victim = keys.remove(random.nextInt(keys.size()));
                    int slot = table.find(victim);
                    assertThat(slot).as("seed %d step %d", seed, step).isGreaterThanOrEqualTo(0);
                    table.remove(slot);
                    oracle.remove(victim);
                }
                if (step % 97 == 0) {
                    for (Map.Entry<Long, Integer> e : oracle.entrySet()) {
                        int slot = table.find(e.getKey());
                        assertThat(slot).as("seed %d step %d key %d", seed, step, e.getKey()).isGreaterThanOrEqualTo(0);
                        assertThat(table.socket(slot)).isEqualTo(e.getValue());
                        assertThat(table.address(slot)).isEqualTo(e.getKey() * 3);
                        assertThat(table.length(slot)).isEqualTo(e.getValue() + 1);
                        assertThat(table.opcode(slot)).isEqualTo((byte) 27);
                    }
                    assertThat(table.size()).isEqualTo(oracle.size());
                }
            }
        }
    }

    @Test
    void refusesNewEntriesWhenFullAndKeepsTheOldOnes() {
        UringPending table = new UringPending();
        for (int i = 0; i < UringPending.MAX; i++) {
            assertThat(table.put(i, (byte) 26, "s" + i, i, 1)).isTrue();
        }
        assertThat(table.put(-1L, (byte) 26, "late", 1, 1)).isFalse();
        assertThat(table.dropped()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(UringPending.MAX);
        assertThat(table.socket(table.find(UringPending.MAX - 1))).isEqualTo("s" + (UringPending.MAX - 1));
        // A key already there can still be replaced.
        assertThat(table.put(5L, (byte) 27, "t", 9, 9)).isTrue();
        assertThat(table.opcode(table.find(5L))).isEqualTo((byte) 27);
    }

    /** A gathering write's ranges move with its entry when removals shift probe chains and when the table grows. */
    @Test
    void rangesFollowTheirEntry() {
        UringPending table = new UringPending();
        for (long key = 0; key < 500; key++) {
            table.put(key, (byte) 2, "s" + key, key, 3);
            int slot = table.find(key);
            for (int n = 0; n < 3; n++) {
                table.range(slot, n, key * 100 + n, (int) key + n);
            }
            table.ranges(slot, 3, key % 2 == 0);
            if (key % 3 == 0) {
                table.remove(table.find(key / 2));
            }
        }
        for (long key = 0; key < 500; key++) {
            int slot = table.find(key);
            if (slot < 0) {
                continue;
            }
            assertThat(table.ranges(slot)).isEqualTo(3);
            assertThat(table.allRanges(slot)).isEqualTo(key % 2 == 0);
            for (int n = 0; n < 3; n++) {
                assertThat(table.rangeBase(slot, n)).isEqualTo(key * 100 + n);
                assertThat(table.rangeLength(slot, n)).isEqualTo((int) key + n);
            }
        }
    }
}
