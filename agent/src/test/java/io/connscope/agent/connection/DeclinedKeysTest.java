package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeclinedKeysTest {

    @Test
    void remembersByIdentity() {
        DeclinedKeys declined = new DeclinedKeys(1024);
        Object a = new Object();
        declined.add(a);
        assertThat(declined.contains(a)).isTrue();
        assertThat(declined.contains(new Object())).isFalse();
        String socket = new String("socket");
        declined.add(socket);
        assertThat(declined.contains(new String("socket"))).as("equal, but another object").isFalse();
    }

    @Test
    void aKeyThatSharesItsSlotDisplacesTheEarlierOne() {
        DeclinedKeys declined = new DeclinedKeys(1);
        Object a = new Object();
        Object b = new Object();
        declined.add(a);
        declined.add(b);
        assertThat(declined.contains(a)).isFalse();
        assertThat(declined.contains(b)).isTrue();
    }

    @Test
    void mostOfManyKeysAreRememberedInARoomyTable() {
        DeclinedKeys declined = new DeclinedKeys(1024);
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Object k = new Object();
            keys.add(k);
            declined.add(k);
        }
        // 64 keys in 1024 slots: a few may collide, most do not.
        assertThat(keys.stream().filter(declined::contains).count()).isGreaterThan(50);
    }

    @Test
    void theSizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new DeclinedKeys(100)).isInstanceOf(IllegalArgumentException.class);
    }
}
