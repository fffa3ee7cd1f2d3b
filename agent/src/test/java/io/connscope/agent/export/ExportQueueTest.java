package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.connscope.agent.connection.ConnectionRecord;
import io.connscope.agent.connection.Destinations;
import io.connscope.agent.connection.Role;
import io.connscope.agent.diagnose.ExchangeRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportQueueTest {

    private static ConnectionRecord record(long id) {
        return new ConnectionRecord(id, Role.CLIENT, "socket", new Destinations(10).of(Role.CLIENT, "h", 1), 0L);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        ExportQueue queue = new ExportQueue(2);
        queue.offer(record(1));
        queue.offer(new ExchangeRecord(record(2), null, List.of()));
        queue.offer(record(3));
        queue.offer(record(4));
        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(((ConnectionRecord) queue.poll()).id).isEqualTo(1);
        assertThat(((ExchangeRecord) queue.poll()).connection.id).isEqualTo(2);
        assertThat(queue.poll()).isNull();
        // Room again once drained.
        queue.offer(record(5));
        assertThat(((ConnectionRecord) queue.poll()).id).isEqualTo(5);
        assertThat(queue.dropped()).isEqualTo(2);
    }
}
