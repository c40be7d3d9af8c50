package org.redtrove.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void matchesThePatternsSentinelClientsSubscribeWith() {
        assertThat(Glob.matches("*", "+switch-master")).isTrue();
        assertThat(Glob.matches("[-+]sdown", "+sdown")).isTrue();
        assertThat(Glob.matches("[-+]sdown", "-sdown")).isTrue();
        assertThat(Glob.matches("[-+]sdown", "sdown")).isFalse();
        // node-redis's pattern without the '+' never matches Sentinel's channel
        assertThat(Glob.matches("switch-master", "+switch-master")).isFalse();
        assertThat(Glob.matches("+slave", "+slave")).isTrue();
        assertThat(Glob.matches("+sl?ve", "+slave")).isTrue();
        assertThat(Glob.matches("+s*", "+switch-master")).isTrue();
        assertThat(Glob.matches("+s*r", "+switch-master")).isTrue();
        assertThat(Glob.matches("+s*x", "+switch-master")).isFalse();
        assertThat(Glob.matches("[^+]*", "+slave")).isFalse();
        assertThat(Glob.matches("[a-z]*", "slave")).isTrue();
        assertThat(Glob.matches("\\*", "*")).isTrue();
        assertThat(Glob.matches("\\*", "a")).isFalse();
        assertThat(Glob.matches("[abc", "[abc")).isTrue();
    }
}
