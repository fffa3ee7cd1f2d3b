package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.ExchangeRecord;
import io.connscope.agent.connection.Role;
import org.junit.jupiter.api.Test;

class ExportQueueTest {

    private static ConnectionRecord record(long id) {
        return new ConnectionRecord(id, Role.CLIENT, "socket", new Destinations(10).of(Role.CLIENT, "h", 1), 0L);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        ExportQueue queue = new ExportQueue(2);
        queue.connection(record(1));
        queue.exchange(record(2), null);
        queue.connection(record(3));
        queue.connection(record(4));
        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(((ConnectionRecord) queue.poll()).id).isEqualTo(1);
        assertThat(((ExchangeRecord) queue.poll()).connection.id).isEqualTo(2);
        assertThat(queue.poll()).isNull();
        // Room again once drained.
        queue.connection(record(5));
        assertThat(((ConnectionRecord) queue.poll()).id).isEqualTo(5);
        assertThat(queue.dropped()).isEqualTo(2);
    }
}
