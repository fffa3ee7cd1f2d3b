package io.connscope.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeclinedKeysTest {

    @Test
    void remembersByIdentityAndForgetsTheOldestWhenFull() {
        DeclinedKeys declined = new DeclinedKeys(2);
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        declined.add(a);
        declined.add(b);
        assertThat(declined.contains(a)).isTrue();
        assertThat(declined.contains(b)).isTrue();
        assertThat(declined.contains(new Object())).isFalse();
        declined.add(c);
        assertThat(declined.contains(a)).as("the oldest, forgotten").isFalse();
        assertThat(declined.contains(b)).isTrue();
        assertThat(declined.contains(c)).isTrue();
    }

    @Test
    void anEqualButDifferentObjectIsNotTheSameSocket() {
        DeclinedKeys declined = new DeclinedKeys(4);
        declined.add(new String("socket"));
        assertThat(declined.contains("socket")).isFalse();
    }
}
