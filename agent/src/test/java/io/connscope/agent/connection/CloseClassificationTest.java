package io.connscope.agent.connection;

import static io.connscope.agent.connection.ConnectionEvent.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseClassificationTest {

    private static CloseClassification classify(ConnectionEvent... events) {
        return CloseClassification.classify(Arrays.asList(events));
    }

    @Test
    void halfCloseThenEofThenCloseIsGraceful() {
        assertThat(classify(CONNECT, FIRST_WRITE, SHUTDOWN_OUTPUT, FIRST_READ, EOF, CLOSE)).isEqualTo(CloseClassification.GRACEFUL);
    }

    @Test
    void eofBeforeAnyLocalShutdownIsPeerFirst() {
        assertThat(classify(ACCEPT, FIRST_READ, EOF, FIRST_WRITE, CLOSE)).isEqualTo(CloseClassification.PEER_FIRST);
        assertThat(classify(ACCEPT, FIRST_READ, EOF, SHUTDOWN_OUTPUT, CLOSE)).isEqualTo(CloseClassification.PEER_FIRST);
    }

    @Test
    void closeWithoutEofIsALocalClose() {
        assertThat(classify(CONNECT, FIRST_WRITE, CLOSE)).isEqualTo(CloseClassification.LOCAL_CLOSE);
        assertThat(classify(CONNECT, SHUTDOWN_OUTPUT, CLOSE)).isEqualTo(CloseClassification.LOCAL_CLOSE);
    }

    @Test
    void unreadInputMakesItAbortiveAndResetWinsOverEverything() {
        assertThat(classify(CONNECT, UNREAD_AT_CLOSE, CLOSE)).isEqualTo(CloseClassification.ABORTIVE);
        assertThat(classify(CONNECT, FIRST_WRITE, RESET_ON_WRITE, CLOSE)).isEqualTo(CloseClassification.RESET);
        assertThat(classify(CONNECT, EOF, RESET_ON_READ, CLOSE)).isEqualTo(CloseClassification.RESET);
    }

    @Test
    void aLingerZeroCloseIsAbortiveEvenAfterThePeersEof() {
        assertThat(classify(ACCEPT, FIRST_READ, LINGER_ZERO_CLOSE, CLOSE)).isEqualTo(CloseClassification.ABORTIVE);
        assertThat(classify(CONNECT, FIRST_WRITE, EOF, LINGER_ZERO_CLOSE, CLOSE)).isEqualTo(CloseClassification.ABORTIVE);
        assertThat(CloseClassification.initiator(List.of(CONNECT, LINGER_ZERO_CLOSE, CLOSE))).isEqualTo("local-close");
    }

    @Test
    void neverClosedIsLeakedWhenCollectedElseOpenAtExit() {
        assertThat(classify(CONNECT, FIRST_WRITE, COLLECTED)).isEqualTo(CloseClassification.LEAKED);
        assertThat(classify(CONNECT, FIRST_WRITE)).isEqualTo(CloseClassification.OPEN_AT_EXIT);
    }

    @Test
    void initiatorIsTheFirstEndingEvent() {
        List<ConnectionEvent> graceful = Arrays.asList(CONNECT, SHUTDOWN_OUTPUT, EOF, CLOSE);
        assertThat(CloseClassification.initiator(graceful)).isEqualTo("local-shutdown-output");
        assertThat(CloseClassification.initiator(Arrays.asList(CONNECT, EOF, CLOSE))).isEqualTo("peer");
        assertThat(CloseClassification.initiator(Arrays.asList(CONNECT, CLOSE))).isEqualTo("local-close");
        assertThat(CloseClassification.initiator(Arrays.asList(CONNECT, RESET_ON_READ, CLOSE))).isEqualTo("reset");
        assertThat(CloseClassification.initiator(Arrays.asList(CONNECT, FIRST_WRITE))).isEqualTo("none");
    }
}
