package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenExchangesTest {

    private final OpenExchanges open = new OpenExchanges();

    @Test
    void eachIndexIsMadeOnceAndRemovedOnce() {
        HttpExchange first = open.slot(1);
        assertThat(open.slot(1)).isSameAs(first);
        HttpExchange second = open.slot(2);
        assertThat(second.index).isEqualTo(2);
        assertThat(open.remove(first)).isTrue();
        assertThat(open.remove(first)).as("whoever removes it completes it, once").isFalse();
        assertThat(open.slot(2)).isSameAs(second);
        assertThat(open.slot(1)).as("a later message of index 1 makes a new exchange").isNotSameAs(first);
    }

    @Test
    void atMostMaxAreOpenAndAllComeBackInTheirOrder() {
        for (int i = OpenExchanges.MAX; i >= 1; i--) {
            assertThat(open.slot(i)).isNotNull();
        }
        assertThat(open.slot(OpenExchanges.MAX + 1)).isNull();
        assertThat(open.slot(OpenExchanges.MAX)).isNotNull();
        HttpExchange[] all = open.removeAll();
        assertThat(all).hasSize(OpenExchanges.MAX);
        for (int i = 0; i < all.length; i++) {
            assertThat(all[i].index).isEqualTo(i + 1);
        }
        assertThat(open.removeAll()).isEmpty();
        assertThat(open.slot(OpenExchanges.MAX + 1)).as("room again").isNotNull();
    }

    @Test
    void theEarliestUnansweredIsTheLowestIndexWithARequestAndNoResponseEnd() {
        HttpExchange one = open.slot(1);
        HttpExchange two = open.slot(2);
        HttpExchange three = open.slot(3);
        assertThat(open.earliestUnanswered()).as("no request seen yet").isNull();
        three.method = "GET";
        two.method = "GET";
        assertThat(open.earliestUnanswered()).isSameAs(two);
        two.responseEndNanos = 5L;
        assertThat(open.earliestUnanswered()).isSameAs(three);
        one.method = "GET";
        assertThat(open.earliestUnanswered()).isSameAs(one);
    }
}
