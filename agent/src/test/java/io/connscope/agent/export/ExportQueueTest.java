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

    private static ExchangeRecord exchange(long connectionId) {
        return new ExchangeRecord(record(connectionId), null, List.of());
    }

    @Test
    void aFullQueueDropsAndCountsExchangesInsteadOfBlocking() {
        ExportQueue queue = new ExportQueue(2);
        queue.offer(exchange(1));
        queue.offer(exchange(2));
        queue.offer(exchange(3));
        queue.offer(exchange(4));
        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(((ExchangeRecord) queue.poll()).connection.id).isEqualTo(1);
        assertThat(((ExchangeRecord) queue.poll()).connection.id).isEqualTo(2);
        assertThat(queue.poll()).isNull();
        // Room again once drained.
        queue.offer(exchange(5));
        assertThat(((ExchangeRecord) queue.poll()).connection.id).isEqualTo(5);
        assertThat(queue.dropped()).isEqualTo(2);
    }

    @Test
    void connectionsAreNeverDroppedSoTheExportThreadReleasesEveryOneFromTheRegistry() {
        ExportQueue queue = new ExportQueue(1);
        queue.offer(exchange(1));
        queue.offer(record(2));
        queue.offer(record(3));
        queue.offer(exchange(4));
        assertThat(queue.dropped()).isEqualTo(1);
        assertThat(((ExchangeRecord) queue.poll()).connection.id).isEqualTo(1);
        assertThat(((ConnectionRecord) queue.poll()).id).isEqualTo(2);
        assertThat(((ConnectionRecord) queue.poll()).id).isEqualTo(3);
        assertThat(queue.poll()).isNull();
    }
}
