package dev.berth.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void parse_bearerWithQuotedParams() {
    var c = Challenge.parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:hoge/app:pull,push\"");
    assertThat(c).hasSize(1);
    assertThat(c.get(0).isBearer()).isTrue();
    assertThat(c.get(0).param("realm")).isEqualTo("https://auth.example.com/token");
    assertThat(c.get(0).param("scope")).isEqualTo("repository:hoge/app:pull,push");
  }

  @Test
  void parse_escapesTokensAndSeveralChallenges() {
    var c = Challenge.parse("Basic realm=\"a \\\"quoted\\\" realm\", Bearer realm=https://x/token, error=insufficient_scope");
    assertThat(c).extracting(Challenge::scheme).containsExactly("basic", "bearer");
    assertThat(c.get(0).param("realm")).isEqualTo("a \"quoted\" realm");
    assertThat(c.get(1).param("error")).isEqualTo("insufficient_scope");
  }

  @Test
  void pick_prefersBearer() {
    assertThat(Challenge.pick(List.of("Basic realm=\"r\"", "Bearer realm=\"t\"")).orElseThrow().isBearer()).isTrue();
    assertThat(Challenge.pick(List.of("Negotiate"))).isEmpty();
  }
}
