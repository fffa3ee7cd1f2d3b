package io.connscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttachOutcomeTest {

    @Test
    void theIdTravelsWithTheArgumentsAndLeavesTheRestAsTheyWere() {
        String args = "connscope.attach.id=abc,otel.resource.attributes=a=1\\,b=2,report.file=/tmp/r";
        assertThat(AttachOutcome.id(args)).isEqualTo("abc");
        assertThat(AttachOutcome.withoutId(args)).isEqualTo("otel.resource.attributes=a=1\\,b=2,report.file=/tmp/r");
        assertThat(AttachOutcome.id("detach")).isNull();
        assertThat(AttachOutcome.withoutId("detach,connscope.attach.id=x")).isEqualTo("detach");
        assertThat(AttachOutcome.withoutId(null)).isEmpty();
    }

    @Test
    void theOutcomeIsReadBackAsRecorded() {
        AttachOutcome.record("t1", AttachOutcome.Status.SETTINGS_REJECTED, List.of("one", "two\nlines"));
        String recorded = System.getProperty(AttachOutcome.property("t1"));
        assertThat(AttachOutcome.status(recorded)).isEqualTo(AttachOutcome.Status.SETTINGS_REJECTED);
        assertThat(AttachOutcome.messages(recorded)).containsExactly("one", "two lines");
        AttachOutcome.record("t2", AttachOutcome.Status.DONE, List.of());
        assertThat(AttachOutcome.messages(System.getProperty(AttachOutcome.property("t2")))).isEmpty();
        AttachOutcome.record(null, AttachOutcome.Status.DONE, List.of()); // a -javaagent start: nothing recorded
        System.clearProperty(AttachOutcome.property("t1"));
        System.clearProperty(AttachOutcome.property("t2"));
    }
}
