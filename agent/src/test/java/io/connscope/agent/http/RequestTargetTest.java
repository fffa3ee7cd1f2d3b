package io.connscope.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

    @Test
    void urlPathDropsQueryAndFragmentAndHandlesEveryTargetForm() {
        assertThat(RequestTarget.path("/a/b?token=secret#x")).isEqualTo("/a/b");
        assertThat(RequestTarget.path("/")).isEqualTo("/");
        assertThat(RequestTarget.path("http://proxy.example:8080/p?q")).isEqualTo("/p");
        assertThat(RequestTarget.path("http://example.com")).isEqualTo("/");
        assertThat(RequestTarget.path("*")).isEqualTo("*");
        assertThat(RequestTarget.path("example.com:443")).isNull();
        assertThat(RequestTarget.path("")).isNull();
        assertThat(RequestTarget.path("http://user:password@example.com/p")).isEqualTo("/p");
    }

    @Test
    void queryIsWhatFollowsTheQuestionMarkUpToAFragment() {
        assertThat(RequestTarget.query("/a/b?token=secret&x=1#frag")).isEqualTo("token=secret&x=1");
        assertThat(RequestTarget.query("http://proxy.example:8080/p?q")).isEqualTo("q");
        assertThat(RequestTarget.query("/p?")).isEmpty();
        assertThat(RequestTarget.query("/p")).isNull();
        assertThat(RequestTarget.query("/p#f?not-a-query")).isNull();
        assertThat(RequestTarget.query(null)).isNull();
    }
}
