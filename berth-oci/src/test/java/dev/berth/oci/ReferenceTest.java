package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.error.RegistryException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ReferenceTest {
  @Test
  void dockerHubDefaults() {
    Reference r = Reference.parse("busybox");
    assertThat(r.registry()).isEqualTo("docker.io");
    assertThat(r.repository().value()).isEqualTo("library/busybox");
    assertThat(r.tag()).isEqualTo("latest");
  }

  @Test
  void registryWithPortAndMultiLevelName() {
    Reference r = Reference.parse("127.0.0.1:5000/hoge/fuga/nyanyanya/scala:1.0");
    assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(r.repository().value()).isEqualTo("hoge/fuga/nyanyanya/scala");
    assertThat(r.tag()).isEqualTo("1.0");
    assertThat(r.scope("pull,push")).isEqualTo("repository:hoge/fuga/nyanyanya/scala:pull,push");
  }

  @Test
  void localhostIsARegistry() {
    assertThat(Reference.parse("localhost/app").registry()).isEqualTo("localhost");
  }

  @Test
  void digestReference() {
    String d = "sha256:" + "a".repeat(64);
    Reference r = Reference.parse("ghcr.io/x/y@" + d);
    assertThat(r.tag()).isNull();
    assertThat(r.identifier()).isEqualTo(d);
  }

  @Test
  void uppercaseRepositorySaysWhy() {
    assertThatThrownBy(() -> Reference.parse("example.com/Hoge/app")).hasMessageContaining("uppercase");
  }

  @Test
  void repositoryNameRulesAreNamed() {
    assertThatThrownBy(() -> RepositoryName.parse("a//b")).isInstanceOf(RegistryException.class).hasMessageContaining("empty path component");
    assertThatThrownBy(() -> RepositoryName.parse("-a")).hasMessageContaining("start and end");
    assertThatThrownBy(() -> RepositoryName.parse("a".repeat(256))).hasMessageContaining("at most 255");
    assertThat(RepositoryName.parse("a__b/c-d---e/f.g").value()).isEqualTo("a__b/c-d---e/f.g");
  }

  @Property(tries = 3000)
  void handWrittenNameCheckAgreesWithTheSpecGrammar(@ForAll("nameLike") String s) {
    boolean spec = java.util.regex.Pattern.matches(RepositoryName.COMPONENT_GRAMMAR + "(?:/" + RepositoryName.COMPONENT_GRAMMAR + ")*", s);
    assertThat(RepositoryName.violation(s) == null).as(s).isEqualTo(spec && s.length() <= RepositoryName.MAX_LENGTH);
  }

  @Property(tries = 3000)
  void handWrittenTagCheckAgreesWithTheSpecGrammar(@ForAll("tagLike") String s) {
    assertThat(Tag.isValid(s)).as(s).isEqualTo(java.util.regex.Pattern.matches(Tag.GRAMMAR, s));
  }

  @Provide
  Arbitrary<String> tagLike() {
    return Arbitraries.oneOf(Arbitraries.strings().withChars("aZ09._-/:\u00e9 ").ofMinLength(0).ofMaxLength(10),
        Arbitraries.strings().withChars("a.-").ofMinLength(126).ofMaxLength(130));
  }

  @Provide
  Arbitrary<String> nameLike() {
    return Arbitraries.strings().withChars("ab09._-/A").ofMinLength(0).ofMaxLength(12);
  }

  @Property
  void formatThenParseIsIdentity(@ForAll("references") String s) {
    Reference r = Reference.parse(s);
    assertThat(Reference.parse(r.toString())).isEqualTo(r);
  }

  @Property
  void arbitraryInputFailsOnlyWithIllegalArgument(@ForAll String s) {
    try {
      Reference r = Reference.parse(s);
      assertThat(r.repository()).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> references() {
    Arbitrary<String> component = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> sep = Arbitraries.of(".", "_", "__", "-", "--");
    Arbitrary<String> comp = Combinators.combine(component, sep, component).as((a, s, b) -> a + s + b);
    Arbitrary<String> name = comp.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    Arbitrary<String> registry = Arbitraries.of("", "registry.example.com/", "127.0.0.1:5000/", "localhost/");
    Arbitrary<String> tag = Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(0).ofMaxLength(20)
        .map(t -> t.isEmpty() ? "" : ":" + "v" + t);
    return Combinators.combine(registry, name, tag).as((r, n, t) -> r + n + t);
  }
}
