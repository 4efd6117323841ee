package dev.berth.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemDriverFactoryTest {
  @TempDir Path dir;

  @Test
  void serviceLoaderFindsTheFilesystemDriver() throws Exception {
    StorageDriverFactory factory = StorageDriverFactory.find("filesystem");
    assertThat(factory).isInstanceOf(FilesystemDriverFactory.class);
    assertThat(factory.keys()).containsExactly("root");
    try (StorageDriver driver = factory.create(Map.of("root", dir.resolve("data").toString()))) {
      assertThat(driver.name()).isEqualTo("filesystem");
      assertThat(((FilesystemDriver) driver).root()).isEqualTo(dir.resolve("data").toRealPath());
    }
  }

  @Test
  void badConfigurationIsRefusedByKey() {
    var factory = new FilesystemDriverFactory();
    assertThatThrownBy(() -> factory.create(Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"root\" is required");
    assertThatThrownBy(() -> factory.create(Map.of("root", " "))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"root\"");
    assertThatThrownBy(() -> factory.create(Map.of("root", dir.toString(), "rootdirectory", "/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rootdirectory");
  }

  @Test
  void unknownDriverNamesTheKnownOnes() {
    assertThatThrownBy(() -> StorageDriverFactory.find("floppy")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("filesystem");
  }
}
