package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StoragePathsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b", "docker/registry/v2/blobs/sha256/ab/abcd/data", ".a", "..a", "a..", "-", "_", "A-Z.a_z.0-9"})
  void validPathsPass(String path) {
    assertThat(StoragePaths.check(path)).isSameAs(path);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''          | it is empty",
      "/a          | it is absolute",
      "a/          | it ends with '/'",
      "a//b        | empty component",
      "a/./b       | component \".\" is not allowed",
      "a/..        | component \"..\" is not allowed",
      "a b         | character ' ' at index 1",
      "a~b         | character '~' at index 1",
  })
  void invalidPathsSayWhy(String path, String why) {
    assertThatThrownBy(() -> StoragePaths.check(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid storage path \"" + path + "\": ")
        .hasMessageContaining(why);
  }

  @Test
  void controlCharactersAreEscapedInTheMessage() {
    assertThatThrownBy(() -> StoragePaths.check("a\nb"))
        .hasMessageContaining("\"a\\u000ab\"")
        .hasMessageContaining("U+000A");
    assertThatThrownBy(() -> StoragePaths.check("caf\u00e9")).hasMessageContaining("U+00E9");
  }

  @Test
  void lengthLimits() {
    assertThat(StoragePaths.check("x".repeat(255))).hasSize(255);
    assertThatThrownBy(() -> StoragePaths.check("x".repeat(256))).hasMessageContaining("longer than 255");
    String longest = ("x".repeat(99) + "/").repeat(10) + "x".repeat(23); // 1023 characters
    assertThat(StoragePaths.check(longest + "x")).hasSize(1024);
    assertThatThrownBy(() -> StoragePaths.check(longest + "xx")).hasMessageContaining("longer than 1024");
  }

  @Test
  void prefixesAllowTheRoot() {
    assertThat(StoragePaths.checkPrefix("")).isEmpty();
    assertThat(StoragePaths.checkPrefix("a/b")).isEqualTo("a/b");
    assertThatThrownBy(() -> StoragePaths.checkPrefix("/")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void componentsAndJoin() {
    assertThat(StoragePaths.isComponent("data")).isTrue();
    assertThat(StoragePaths.isComponent(".data~x1.tmp")).isFalse();
    assertThat(StoragePaths.isComponent("..")).isFalse();
    assertThat(StoragePaths.isComponent("")).isFalse();
    assertThat(StoragePaths.join("", "a")).isEqualTo("a");
    assertThat(StoragePaths.join("a/b", "c")).isEqualTo("a/b/c");
  }
}
