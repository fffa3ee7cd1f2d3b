package io.connscope.agent.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExchangeSpansTest {

    @Test
    void urlPathDropsQueryAndFragmentAndHandlesEveryTargetForm() {
        assertThat(ExchangeSpans.path("/a/b?token=secret#x")).isEqualTo("/a/b");
        assertThat(ExchangeSpans.path("/")).isEqualTo("/");
        assertThat(ExchangeSpans.path("http://proxy.example:8080/p?q")).isEqualTo("/p");
        assertThat(ExchangeSpans.path("http://example.com")).isEqualTo("/");
        assertThat(ExchangeSpans.path("*")).isEqualTo("*");
        assertThat(ExchangeSpans.path("example.com:443")).isNull();
        assertThat(ExchangeSpans.path("")).isNull();
    }
}
