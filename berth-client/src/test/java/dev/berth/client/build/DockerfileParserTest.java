package dev.berth.client.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.error.ClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {
  @Test
  void continuationsCommentsDirectivesAndKeywords() {
    Dockerfile d = Dockerfile.parse("""
        # syntax=docker/dockerfile:1
        # check=skip=all
        # a comment
        from scratch

        COPY a \\
          # a comment inside a continuation
          b \\

          /dst/
        env A=1 \\
            B=2
        CMD ["run"]
        """, "Dockerfile");
    List<Dockerfile.Instruction> in = d.instructions();
    assertThat(in).extracting(Dockerfile.Instruction::keyword).containsExactly("FROM", "COPY", "ENV", "CMD");
    assertThat(in.get(1).args()).isEqualTo("a   b   /dst/");
    assertThat(in.get(1).line()).isEqualTo(6);
    assertThat(in.get(2).args()).isEqualTo("A=1     B=2");
    assertThat(in.get(3).line()).isEqualTo(13);
  }

  @Test
  void escapeDirective() {
    Dockerfile d = Dockerfile.parse("# escape=`\nFROM scratch\nCOPY a `\n  b /x/\n", "Df");
    assertThat(d.instructions().get(1).args()).isEqualTo("a   b /x/");
  }

  @Test
  void substitution() {
    Map<String, String> v = Map.of("A", "x", "EMPTY", "", "SP", "a b");
    assertThat(Dockerfile.words("$A ${A} ${B:-def} ${EMPTY:-d2} ${A:+alt} ${B:+alt} '$A' \"$A y\" \\$A", v))
        .containsExactly("x", "x", "def", "d2", "alt", "$A", "x y", "$A");
    assertThat(Dockerfile.words("a \"\" ${B}", v)).containsExactly("a", "");
    assertThat(Dockerfile.word("/opt/${A}/ dir", v)).isEqualTo("/opt/x/ dir");
    assertThat(Dockerfile.words("K=\"$SP\" L=${B:-1}", v)).containsExactly("K=a b", "L=1");
  }

  @Test
  void errorsNameFileAndLine() {
    assertThatThrownBy(() -> Dockerfile.parse("FROM scratch\n!!! nope\n", "my/Dockerfile"))
        .isInstanceOf(ClientException.class).hasMessageContaining("my/Dockerfile, line 2");
    assertThatThrownBy(() -> Dockerfile.parse("# only a comment\n", "Dockerfile"))
        .isInstanceOf(ClientException.class).hasMessageContaining("no instructions");
  }

  @Test
  void dockerignore() {
    DockerIgnore i = DockerIgnore.of(List.of("# comment", "*.log", "target", "!target/app.jar", "**/secret*", "/tmp/?", "[a-c].txt"));
    assertThat(i.ignored("x.log")).isTrue();
    assertThat(i.ignored("dir/x.log")).isFalse(); // * does not cross /
    assertThat(i.ignored("target/classes/A.class")).isTrue();
    assertThat(i.ignored("target/app.jar")).isFalse();
    assertThat(i.ignored("a/b/secret.txt")).isTrue();
    assertThat(i.ignored("secret")).isTrue();
    assertThat(i.ignored("tmp/1")).isTrue();
    assertThat(i.ignored("tmp/12")).isFalse();
    assertThat(i.ignored("b.txt")).isTrue();
    assertThat(i.ignored("d.txt")).isFalse();
    assertThat(i.ignored("src/Main.java")).isFalse();
  }
}
