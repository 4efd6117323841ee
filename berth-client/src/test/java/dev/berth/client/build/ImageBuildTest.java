package dev.berth.client.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.CopyOptions;
import dev.berth.client.Location;
import dev.berth.client.RegistryClient;
import dev.berth.client.error.ClientException;
import dev.berth.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuildTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final RegistryClient client = RegistryClient.builder().build();

  static void write(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  BuiltImage build(Path ctx, String dockerfile) throws IOException {
    return build(ctx, dockerfile, Map.of(), 0);
  }

  BuiltImage build(Path ctx, String dockerfile, Map<String, String> args, long epoch) throws IOException {
    Path df = ctx.resolve("Dockerfile");
    Files.writeString(df, dockerfile);
    return ImageBuilder.build(client, new ImageBuilder.Options(ctx, df, args, null, null, epoch));
  }

  static JsonNode config(BuiltImage i) throws IOException {
    return JSON.readTree(i.config());
  }

  /** Layer n of the built image, as (name, mode, uid, gid, type) lines, in archive order. */
  static List<String> layer(BuiltImage i, int n) throws IOException {
    JsonNode m = JSON.readTree(i.root().bytes());
    JsonNode d = m.path("layers").get(n);
    List<String> out = new ArrayList<>();
    var desc = new dev.berth.oci.Descriptor(d.path("mediaType").asText(), Digest.parse(d.path("digest").asText()), d.path("size").asLong());
    try (InputStream in = new GZIPInputStream(i.blob(desc).open(0))) {
      LayerTar.read(in, (e, data) -> {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        data.transferTo(b);
        out.add(e.name() + " " + Integer.toOctalString(e.mode()) + " " + e.uid() + ":" + e.gid() + " " + e.type()
            + (e.type() == '0' ? " " + b.toString() : ""));
      });
    }
    return out;
  }

  static final String APP = """
      FROM scratch
      ARG VERSION=1.0
      ENV APP_HOME=/opt/app JAVA_OPTS="-Xmx64m -Dv=${VERSION}"
      WORKDIR $APP_HOME
      COPY --chmod=0755 bin/ bin/
      COPY lib lib/
      COPY --chown=1000:1000 conf/app.conf ./conf/
      LABEL org.opencontainers.image.version=$VERSION b=2 a="one two"
      EXPOSE 8080 53/udp
      USER 1000
      ENTRYPOINT ["/opt/app/bin/run"]
      CMD --serve
      """;

  static Path appContext(Path dir) throws IOException {
    write(dir.resolve("bin/run"), "#!/bin/sh\necho hi\n");
    write(dir.resolve("lib/b.jar"), "b");
    write(dir.resolve("lib/a.jar"), "a");
    write(dir.resolve("conf/app.conf"), "x=1\n");
    write(dir.resolve("notes.log"), "ignored");
    write(dir.resolve(".dockerignore"), "*.log\n");
    return dir;
  }

  @Test
  void reproducible_mtimeDoesNotMatter_contentDoes(@TempDir Path tmp) throws IOException {
    Path ctx = appContext(tmp.resolve("ctx"));
    Digest d1;
    try (BuiltImage a = build(ctx, APP)) {
      d1 = a.digest();
    }
    try (BuiltImage b = build(ctx, APP)) {
      assertThat(b.digest()).isEqualTo(d1);
    }
    Files.setLastModifiedTime(ctx.resolve("lib/a.jar"), FileTime.fromMillis(123456789000L));
    try (BuiltImage c = build(ctx, APP)) {
      assertThat(c.digest()).as("a changed mtime changes nothing").isEqualTo(d1);
    }
    write(ctx.resolve("lib/a.jar"), "A");
    try (BuiltImage d = build(ctx, APP)) {
      assertThat(d.digest()).as("a changed file changes the digest").isNotEqualTo(d1);
    }
    write(ctx.resolve("lib/a.jar"), "a");
    try (BuiltImage e = build(ctx, APP, Map.of(), 1700000000L)) {
      assertThat(e.digest()).as("SOURCE_DATE_EPOCH changes it").isNotEqualTo(d1);
      assertThat(config(e).path("created").asText()).isEqualTo("2023-11-14T22:13:20Z");
    }
    try (BuiltImage f = build(ctx, APP)) {
      assertThat(f.digest()).isEqualTo(d1);
    }
  }

  @Test
  void configAndLayers(@TempDir Path tmp) throws IOException {
    Path ctx = appContext(tmp.resolve("ctx"));
    Files.setPosixFilePermissions(ctx.resolve("lib/a.jar"), PosixFilePermissions.fromString("rw-r-----"));
    try (BuiltImage i = build(ctx, APP, Map.of("VERSION", "2.5"), 0)) {
      JsonNode c = config(i);
      assertThat(c.path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
      assertThat(c.path("architecture").asText()).isEqualTo("amd64");
      JsonNode cc = c.path("config");
      assertThat(cc.path("Env").toString()).isEqualTo("[\"APP_HOME=/opt/app\",\"JAVA_OPTS=-Xmx64m -Dv=2.5\"]");
      assertThat(cc.path("WorkingDir").asText()).isEqualTo("/opt/app");
      assertThat(cc.path("User").asText()).isEqualTo("1000");
      assertThat(cc.path("Labels").toString()).isEqualTo("{\"a\":\"one two\",\"b\":\"2\",\"org.opencontainers.image.version\":\"2.5\"}");
      assertThat(cc.path("ExposedPorts").toString()).isEqualTo("{\"53/udp\":{},\"8080/tcp\":{}}");
      assertThat(cc.path("Entrypoint").toString()).isEqualTo("[\"/opt/app/bin/run\"]");
      assertThat(cc.path("Cmd").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"--serve\"]");
      assertThat(c.path("rootfs").path("diff_ids")).hasSize(3);
      assertThat(c.path("history")).hasSize(11);
      assertThat(c.path("history").get(4).path("empty_layer").asBoolean()).isFalse();
      assertThat(c.path("history").get(0).path("empty_layer").asBoolean()).isTrue();

      assertThat(layer(i, 0)).containsExactly("opt/ 755 0:0 5", "opt/app/ 755 0:0 5", "opt/app/bin/ 755 0:0 5",
          "opt/app/bin/run 755 0:0 0 #!/bin/sh\necho hi\n");
      assertThat(layer(i, 1)).containsExactly("opt/ 755 0:0 5", "opt/app/ 755 0:0 5", "opt/app/lib/ 755 0:0 5",
          "opt/app/lib/a.jar 640 0:0 0 a", "opt/app/lib/b.jar 644 0:0 0 b");
      assertThat(layer(i, 2)).containsExactly("opt/ 755 0:0 5", "opt/app/ 755 0:0 5", "opt/app/conf/ 755 0:0 5",
          "opt/app/conf/app.conf 644 1000:1000 0 x=1\n");
    }
  }

  @Test
  void runIsRefusedWithTheReason(@TempDir Path tmp) throws IOException {
    Path ctx = tmp.resolve("ctx");
    Files.createDirectories(ctx);
    assertThatThrownBy(() -> build(ctx, "FROM scratch\n\nRUN apt-get install -y curl\n"))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.render()).contains("Dockerfile, line 3").contains("RUN").contains("cannot run commands")
              .contains("COPY the result");
        });
  }

  @Test
  void dockerignoreAndMissingSources(@TempDir Path tmp) throws IOException {
    Path ctx = tmp.resolve("ctx");
    write(ctx.resolve("app/keep.txt"), "k");
    write(ctx.resolve("app/target/x.class"), "x");
    write(ctx.resolve("app/target/app.jar"), "jar");
    write(ctx.resolve("secret.env"), "s");
    write(ctx.resolve(".dockerignore"), "**/target\n!app/target/*.jar\nsecret.env\n");
    try (BuiltImage i = build(ctx, "FROM scratch\nCOPY . /ctx/\n")) {
      assertThat(layer(i, 0)).containsExactly("ctx/ 755 0:0 5", "ctx/.dockerignore 644 0:0 0 **/target\n!app/target/*.jar\nsecret.env\n",
          "ctx/Dockerfile 644 0:0 0 FROM scratch\nCOPY . /ctx/\n", "ctx/app/ 755 0:0 5", "ctx/app/keep.txt 644 0:0 0 k",
          "ctx/app/target/ 755 0:0 5", "ctx/app/target/app.jar 644 0:0 0 jar");
    }
    assertThatThrownBy(() -> build(ctx, "FROM scratch\nCOPY secret.env /\n"))
        .isInstanceOf(ClientException.class).hasMessageContaining("line 2").hasMessageContaining("excluded by .dockerignore");
    assertThatThrownBy(() -> build(ctx, "FROM scratch\nADD https://example.com/x.tgz /\n"))
        .isInstanceOf(ClientException.class).hasMessageContaining("does not download URLs");
  }

  @Test
  void multiStage_copyFrom_andFromALayout_withChownByName(@TempDir Path tmp) throws IOException {
    Path ctx = tmp.resolve("ctx");
    write(ctx.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n");
    write(ctx.resolve("group"), "root:x:0:\napp:x:1002:\n");
    write(ctx.resolve("data/one.txt"), "1");
    write(ctx.resolve("data/sub/two.txt"), "2");
    Path layout = tmp.resolve("layout");
    try (BuiltImage base = build(ctx, "FROM scratch\nCOPY passwd group /etc/\nENV BASE=yes\nCMD [\"base\"]\n")) {
      client.copy(base, Location.parse("oci:" + layout + ":base"), CopyOptions.defaults());
    }
    String df = """
        FROM scratch AS stage1
        COPY data /stuff
        FROM oci:%s:base
        COPY --from=stage1 --chown=app:app /stuff/sub/ /srv/
        COPY --from=0 /stuff/one.txt /srv/renamed.txt
        ENTRYPOINT ["/x"]
        """.formatted(layout);
    try (BuiltImage i = build(ctx, df)) {
      JsonNode c = config(i);
      assertThat(c.path("rootfs").path("diff_ids")).hasSize(3);
      assertThat(c.path("config").path("Env").toString()).contains("BASE=yes");
      assertThat(c.path("config").has("Cmd")).as("an inherited CMD is reset by ENTRYPOINT").isFalse();
      assertThat(layer(i, 1)).containsExactly("srv/ 755 1001:1002 5", "srv/two.txt 644 1001:1002 0 2");
      assertThat(layer(i, 2)).containsExactly("srv/ 755 0:0 5", "srv/renamed.txt 644 0:0 0 1");
      // and it is pushable: write it to the layout next to its base
      client.copy(i, Location.parse("oci:" + layout + ":app"), CopyOptions.defaults());
      assertThat(client.digest("oci:" + layout + ":app")).isEqualTo(i.digest());
    }
    assertThatThrownBy(() -> build(ctx, "FROM oci:" + layout + ":base\nCOPY --chown=nobody data /d\n"))
        .isInstanceOf(ClientException.class).hasMessageContaining("nobody");
  }

  @Test
  void globalArgsInFrom_andPredefinedPlatformArgs(@TempDir Path tmp) throws IOException {
    Path ctx = tmp.resolve("ctx");
    write(ctx.resolve("f"), "f");
    try (BuiltImage i = build(ctx, "ARG BASE=scratch\nARG TARGETARCH\nFROM ${BASE}\nARG TARGETARCH\nLABEL arch=$TARGETARCH\nCOPY [\"f\", \"/x/\"]\n")) {
      assertThat(config(i).path("config").path("Labels").path("arch").asText()).isEqualTo("amd64");
      assertThat(layer(i, 0)).containsExactly("x/ 755 0:0 5", "x/f 644 0:0 0 f");
    }
  }

  @Test
  void cmdInTheSameStageSurvivesALaterEntrypoint(@TempDir Path tmp) throws IOException {
    Path ctx = tmp.resolve("ctx");
    Files.createDirectories(ctx);
    try (BuiltImage i = build(ctx, "FROM scratch\nCMD [\"a\"]\nENTRYPOINT [\"b\"]\n")) {
      assertThat(config(i).path("config").path("Cmd").toString()).isEqualTo("[\"a\"]");
    }
  }
}
