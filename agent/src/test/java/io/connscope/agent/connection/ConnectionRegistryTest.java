package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    private static ConnectionRecord record(long id) {
        Destinations d = new Destinations(10);
        return new ConnectionRecord(id, Role.CLIENT, "socket", d.of(Role.CLIENT, "h", 1), 0L);
    }

    @Test
    void findsByIdentityNotByEquality() {
        ConnectionRegistry registry = new ConnectionRegistry(10);
        List<String> key = new ArrayList<>();
        ConnectionRecord r = record(1);
        registry.register(key, r);
        assertThat(registry.get(key)).isSameAs(r);
        assertThat(registry.get(new ArrayList<>())).as("an equal but different object").isNull();
        assertThat(registry.remove(key)).isSameAs(r);
        assertThat(registry.get(key)).isNull();
        assertThat(registry.open()).isEmpty();
    }

    @Test
    void aliasFindsTheSameRecordAndGoesAwayWithIt() {
        ConnectionRegistry registry = new ConnectionRegistry(10);
        Object socket = new Object();
        Object impl = new Object();
        ConnectionRecord r = record(1);
        registry.register(socket, r);
        registry.alias(impl, r);
        assertThat(registry.get(impl)).isSameAs(r);
        assertThat(registry.open()).containsExactly(r);
        registry.remove(socket);
        assertThat(registry.get(impl)).isNull();
    }

    @Test
    void beyondTheLimitConnectionsAreCountedNotTracked() {
        ConnectionRegistry registry = new ConnectionRegistry(2);
        assertThat(registry.register(new Object(), record(1))).isTrue();
        assertThat(registry.register(new Object(), record(2))).isTrue();
        Object third = new Object();
        assertThat(registry.register(third, record(3))).isFalse();
        assertThat(registry.get(third)).isNull();
        assertThat(registry.untracked()).isEqualTo(1);
    }

    @Test
    void aCollectedKeyHandsItsRecordBackExactlyOnce() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry(10);
        Object kept = new Object();
        registry.register(kept, record(1));
        registerGarbage(registry);
        List<ConnectionRecord> collected = new ArrayList<>();
        for (int i = 0; i < 100 && collected.isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
            collected.addAll(registry.collected());
        }
        assertThat(collected).extracting(r -> r.id).containsExactly(2L);
        assertThat(registry.collected()).isEmpty();
        assertThat(registry.open()).extracting(r -> r.id).containsExactly(1L);
        assertThat(registry.get(kept)).isNotNull();
    }

    private static void registerGarbage(ConnectionRegistry registry) {
        registry.register(new Object(), record(2));
    }
}
