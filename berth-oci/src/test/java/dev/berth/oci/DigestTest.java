package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.RegistryException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void sha256OfKnownContent() {
    assertThat(Digest.sha256("{}".getBytes(StandardCharsets.UTF_8)).toString())
        .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  }

  @Test
  void acceptsSha512() {
    Digest d = Digest.of("sha512", new byte[0]);
    assertThat(Digest.parse(d.toString())).isEqualTo(d);
    assertThat(d.hex()).hasSize(128);
  }

  @Test
  void wrongLengthSaysHowManyDigits() {
    assertThatThrownBy(() -> Digest.parse("sha256:abc"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("64 hex digits, this one has 3")
        .extracting(e -> ((RegistryException) e).code()).isEqualTo(ErrorCode.DIGEST_INVALID);
  }

  @Test
  void uppercaseHexIsRefusedWithTheRule() {
    assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64))).hasMessageContaining("lowercase hex");
  }

  @Test
  void unknownAlgorithmIsUnsupportedAndNamesTheSupportedOnes() {
    assertThatThrownBy(() -> Digest.parse("md5:d41d8cd98f00b204e9800998ecf8427e"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("\"md5\" is not supported")
        .hasMessageContaining("sha256")
        .extracting(e -> ((RegistryException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED);
  }

  @Test
  void garbageIsInvalid() {
    for (String s : new String[] {"", "sha256", ":abc", "sha256:", "sha256:$$$", "SHA256:" + "a".repeat(64)}) {
      assertThatThrownBy(() -> Digest.parse(s)).as(s).isInstanceOf(RegistryException.class);
    }
  }

  @Property
  void everyValidDigestRoundTrips(@ForAll("digests") String s) {
    assertThat(Digest.parse(s).toString()).isEqualTo(s);
  }

  @Property
  void arbitraryInputFailsOnlyWithARegistryException(@ForAll String s) {
    try {
      Digest d = Digest.parse(s);
      assertThat(d.toString()).isEqualTo(s);
    } catch (RegistryException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> digests() {
    Arbitrary<String> hex64 = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(h -> "sha256:" + h);
    Arbitrary<String> hex128 = Arbitraries.strings().withChars("0123456789abcdef").ofLength(128).map(h -> "sha512:" + h);
    return Arbitraries.oneOf(hex64, hex128);
  }
}
