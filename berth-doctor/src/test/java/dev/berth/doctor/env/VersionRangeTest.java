package dev.berth.doctor.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionRangeTest {
  static boolean in(String range, String v) {
    return VersionRange.parse(range).contains(Version.parse(v));
  }

  @Test
  void mavenEnforcerRanges() {
    assertThat(in("[20.10,21)", "20.10.24+dfsg1")).isTrue();
    assertThat(in("[20.10,21)", "21.0.0")).isFalse();
    assertThat(in("[20.10,21)", "20.9.9")).isFalse();
    assertThat(in("[1.8,)", "17.0.15")).isTrue();
    assertThat(in("(,1.0]", "1.0")).isTrue();
    assertThat(in("(,1.0)", "1.0")).isFalse();
    assertThat(in("(,1.1),(1.1,)", "1.1")).isFalse();
    assertThat(in("(,1.1),(1.1,)", "1.2")).isTrue();
    assertThat(in("[24.0.7]", "24.0.7")).isTrue();
    assertThat(in("[24.0.7]", "24.0.8")).isFalse();
  }

  @Test
  void comparisonsAndWildcards() {
    assertThat(in(">=20.10", "20.10.24")).isTrue();
    assertThat(in(">=20.10", "1.13.1")).isFalse();
    assertThat(in(">=20.10 <25", "24.0.7")).isTrue();
    assertThat(in(">=20.10 <25", "25.0.0")).isFalse();
    assertThat(in("24.0.*", "24.0.7")).isTrue();
    assertThat(in("24.0.*", "24.1.0")).isFalse();
  }

  @Test
  void versionsParseFromToolOutput() {
    assertThat(Version.parse("Docker version 20.10.24+dfsg1, build 297e128").numeric()).isEqualTo("20.10.24");
    assertThat(Version.parse("v0.10.4").numeric()).isEqualTo("0.10.4");
    assertThat(Version.parse("1.13.1").dockerGeneration()).isEqualTo(16);
    assertThat(Version.parse("24.0.7").compareTo(Version.parse("20.10.24"))).isPositive();
  }

  @Test
  void badRangesSayWhy() {
    assertThatThrownBy(() -> VersionRange.parse("[20.10,21")).hasMessageContaining("missing");
    assertThatThrownBy(() -> VersionRange.parse(">=abc")).hasMessageContaining("no version");
  }
}
